import ArgumentParser
import Foundation
import VisitIntent

struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Measure one or more models on labelled sessions, overall and per segment, and write a report.",
        discussion: """
        Accuracy, macro-F1 and log loss with bootstrap 95% intervals (resampling visitors) next \
        to the majority-class baseline; per-class precision/recall/F1; one-vs-rest ROC and \
        precision-recall curves; a reliability diagram with the expected calibration error; the \
        same per segment for each dimension in --by (\(SessionSegments.dimensions.joined(separator: ", "))), \
        flagging segments whose interval lies below the overall accuracy; accuracy when only the \
        first 1…10 page views are known; and what each model relies on. Segments smaller than \
        --min-segment-size are suppressed everywhere. --report DIR writes report.html \
        (self-contained, inline SVG), report.md and metrics.json (docs/evaluation-schema.md). \
        Repeat --model to compare models side by side.

        Example:
          intent evaluate --model models/clinic-logistic.json --model models/clinic-gbdt.json \\
            --events datasets/clinic-sample/events.jsonl --labels datasets/clinic-sample/labels.csv \\
            --by device,channel,visitor_type --report out/evaluation
        """)

    @Option(help: ArgumentHelp("Model file; repeat to compare several on the same sessions.", valueName: "file")) var model: [String] = []
    @OptionGroup var input: EventInputOptions
    @Option(help: ArgumentHelp("Labels file (session_id,intent[,events_before]).", valueName: "file")) var labels: String?
    @OptionGroup(title: "Tables: one row per session instead of events") var table: TableOptions
    @Option(help: ArgumentHelp("Segment dimensions, comma-separated.", valueName: "dims")) var by: String = ""
    @Option(help: ArgumentHelp("Suppress segments with fewer sessions (or visitors) than this.", valueName: "k")) var minSegmentSize: Int = 10
    @Option(help: ArgumentHelp("Evaluate on the first K page views of each session.", valueName: "K")) var prefix: Int?
    @Option(help: ArgumentHelp("Bootstrap resamples for the intervals (0 for none).", valueName: "n")) var bootstrap: Int = 200
    @Option(help: "Seed of the bootstrap.") var seed: UInt64 = 1
    @Option(help: ArgumentHelp("Early-prediction curve up to this many page views (0 for none; events only).", valueName: "K")) var earlyPageViews: Int = 10
    @Option(help: ArgumentHelp("Directory for report.html, report.md and metrics.json.", valueName: "dir")) var report: String?
    @Option(help: ArgumentHelp("Same as --report (older name).", valueName: "dir")) var out: String?
    @Option(help: "Worker threads (results do not depend on it).") var threads: Int = Parallel.defaultThreads
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if model.isEmpty { throw ValidationError("give at least one --model") }
        if minSegmentSize < 1 { throw ValidationError("--min-segment-size must be at least 1") }
        if let prefix, prefix < 1 { throw ValidationError("--prefix must be at least 1") }
        if bootstrap != 0 && !(2...100_000).contains(bootstrap) { throw ValidationError("--bootstrap must be 0 or between 2 and 100000") }
        if !(0...50).contains(earlyPageViews) { throw ValidationError("--early-page-views must be between 0 and 50") }
        if report != nil && out != nil && report != out { throw ValidationError("give --report or --out, not both") }
        for d in dimensions where table.table == nil && !SessionSegments.dimensions.contains(d) {
            throw ValidationError("--by: unknown dimension '\(d)' (known: \(SessionSegments.dimensions.joined(separator: ", ")))")
        }
    }

    var dimensions: [String] { by.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }

    var options: Evaluation.Options {
        var o = Evaluation.Options()
        o.dimensions = dimensions
        o.minimumSegmentSessions = minSegmentSize
        o.prefix = prefix.map { .pageViews($0) } ?? .all
        o.bootstrap = bootstrap > 0 ? Bootstrap(replicates: bootstrap, seed: seed) : nil
        o.earlyPageViews = prefix == nil ? earlyPageViews : 0
        o.threads = threads
        return o
    }

    func run() throws {
        let classifiers = try model.map { try ModelFile.loadClassifier(path: $0) }
        let names = model.map { PathText.lastComponent(of: $0) }
        var evaluations: [Evaluation] = []
        let progress = Progress(label: "evaluating", quiet: output.quiet)
        if let tablePath = table.table {
            guard let label = table.label else { throw ValidationError("--table needs --label COLUMN") }
            var options = table.options(label: label)
            options.categorical = []; options.numeric = []
            for (classifier, name) in zip(classifiers, names) {
                let t = try FeatureTable.read(path: tablePath, options: options, schema: classifier.featureColumns)
                evaluations.append(try Evaluation.run(model: classifier, modelName: name, table: t, options: self.options))
                progress.update(Double(evaluations.count) / Double(classifiers.count))
            }
        } else {
            guard let labels else { throw ValidationError("give --labels (with --events), or --table with --label") }
            if input.sessionTimeout != 30 && !output.quiet { Console.note("--session-timeout is ignored: the model's own sessionization rules apply") }
            input.warnTaxonomyIgnored()
            var skipped = SkipReport()
            let labelSet = try LabelSet.read(path: labels, skipInvalid: input.skipInvalid, skipped: &skipped)
            for line in skipped.lines { Console.note(line) }
            var loaded: (SessionizerConfiguration, SessionDataset)? = nil
            for (classifier, name) in zip(classifiers, names) {
                let sessionizer = try classifier.requireFeatureSpec().sessionizer
                let data: SessionDataset
                if let (s, d) = loaded, s == sessionizer { data = d } else {
                    data = try input.load(sessionizer: sessionizer, quiet: output.quiet || loaded != nil)
                    loaded = (sessionizer, data)
                }
                evaluations.append(try Evaluation.run(model: classifier, modelName: name, data: data, labels: labelSet, labelsPath: labels, options: options))
                progress.update(Double(evaluations.count) / Double(classifiers.count))
            }
        }
        progress.finish()
        let markdown = evaluations.map { $0.markdown(heading: evaluations.count > 1 ? 2 : 1) }.joined(separator: "\n")
        if let dir = report ?? out {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            try AtomicFile.write(path: PathText.join(dir, "metrics.json"), bytes: try EvaluationReport(evaluations: evaluations).json())
            try AtomicFile.write(path: PathText.join(dir, "report.md"), text: (evaluations.count > 1 ? "# Evaluation report\n\n" : "") + markdown)
            try AtomicFile.write(path: PathText.join(dir, "report.html"), text: EvaluationReportPage(evaluations: evaluations).render())
        }
        print(markdown)
        if let dir = report ?? out { print("wrote \(dir)/report.html, report.md and metrics.json") }
    }
}
