import ArgumentParser
import Foundation
import VisitIntent

struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Measure a model on labelled sessions, overall and per segment.",
        discussion: """
        Accuracy, macro-F1, per-class precision/recall/F1, log loss, one-vs-rest ROC AUC and the \
        confusion matrix, next to the majority-class baseline; the same per segment for each \
        dimension in --by (\(SessionSegments.dimensions.joined(separator: ", "))). Segments smaller \
        than --min-segment-size are suppressed. Writes evaluation.md and evaluation.json with --out.

        Example:
          intent evaluate --model models/clinic-logistic.json --events datasets/clinic-sample/events.jsonl \\
            --labels datasets/clinic-sample/labels.csv --by device,channel --out out/evaluation
        """)

    @Option(help: ArgumentHelp("Model file.", valueName: "file")) var model: String
    @OptionGroup var input: EventInputOptions
    @Option(help: ArgumentHelp("Labels file (session_id,intent).", valueName: "file")) var labels: String?
    @OptionGroup(title: "Tables: one row per session instead of events") var table: TableOptions
    @Option(help: ArgumentHelp("Segment dimensions, comma-separated.", valueName: "dims")) var by: String = ""
    @Option(help: ArgumentHelp("Suppress segments with fewer sessions than this.", valueName: "k")) var minSegmentSize: Int = 10
    @Option(help: ArgumentHelp("Evaluate on the first K page views of each session.", valueName: "K")) var prefix: Int?
    @Option(help: ArgumentHelp("Directory for evaluation.md and evaluation.json.", valueName: "dir")) var out: String?
    @Option(help: "Worker threads (results do not depend on it).") var threads: Int = Parallel.defaultThreads
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if minSegmentSize < 1 { throw ValidationError("--min-segment-size must be at least 1") }
        if let prefix, prefix < 1 { throw ValidationError("--prefix must be at least 1") }
        for d in dimensions where table.table == nil && !SessionSegments.dimensions.contains(d) {
            throw ValidationError("--by: unknown dimension '\(d)' (known: \(SessionSegments.dimensions.joined(separator: ", ")))")
        }
    }

    var dimensions: [String] { by.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }

    func write(_ evaluation: Evaluation) throws {
        let markdown = evaluation.markdown()
        if let out {
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            try AtomicFile.write(path: (out as NSString).appendingPathComponent("evaluation.md"), text: markdown)
            try AtomicFile.write(path: (out as NSString).appendingPathComponent("evaluation.json"), bytes: try evaluation.json())
        }
        print(markdown)
        if let out { print("wrote \(out)/evaluation.md and \(out)/evaluation.json") }
    }

    func run() throws {
        let classifier = try ModelFile.loadClassifier(path: model)
        if let tablePath = table.table {
            guard let label = table.label else { throw ValidationError("--table needs --label COLUMN") }
            var options = table.options(label: label)
            options.categorical = []; options.numeric = []
            let t = try FeatureTable.read(path: tablePath, options: options, schema: classifier.featureColumns)
            try write(try Evaluation.run(model: classifier, modelName: (model as NSString).lastPathComponent, table: t, dimensions: dimensions,
                                         minimumSegmentSessions: minSegmentSize, threads: threads))
            return
        }
        guard let labels else { throw ValidationError("give --labels (with --events), or --table with --label") }
        if input.sessionTimeout != 30 && !output.quiet { Console.note("--session-timeout is ignored: the model's own sessionization rules apply") }
        let data = try input.load(sessionizer: classifier.requireFeatureSpec().sessionizer, quiet: output.quiet)
        var skipped = SkipReport()
        let labelSet = try LabelSet.read(path: labels, skipInvalid: input.skipInvalid, skipped: &skipped)
        for line in skipped.lines { Console.note(line) }
        let evaluation = try Evaluation.run(model: classifier, modelName: (model as NSString).lastPathComponent, data: data, labels: labelSet, labelsPath: labels,
                                            dimensions: dimensions, minimumSegmentSessions: minSegmentSize,
                                            prefix: prefix.map { .pageViews($0) } ?? .all, threads: threads)
        try write(evaluation)
    }
}
