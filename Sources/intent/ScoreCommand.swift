import ArgumentParser
import Foundation
import VisitIntent

struct ScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Score sessions or visitors with a trained model, with reasons and the content to show.",
        discussion: """
        One row per session (session id, pseudonymous visitor id, one probability per class, predicted intent), \
        or per visitor with --level visitor (latest session's scores and the highest probability of each class). \
        CSV or JSON Lines by the --out extension. --prefix K scores from the first K page views only. \
        Events are streamed: memory holds only the visitors still active, so files of any size can be \
        scored when they are in time order; otherwise the events are first sorted through temporary \
        files, one per day (automatically, or at once with --sort). --reasons N adds the N features that \
        pushed the predicted intent most, in words; --playbook adds the content to show (datasets/clinic-playbook.yaml).

        Example:
          intent score --model models/clinic-logistic.json --events datasets/clinic-sample/events.jsonl --out scores.csv
          intent score --model models/clinic-gbdt.json --events datasets/clinic-sample/events.jsonl \\
            --reasons 3 --playbook datasets/clinic-playbook.yaml --level visitor --out visitors.jsonl
        """)

    @Option(help: ArgumentHelp("Model file.", valueName: "file")) var model: String
    @OptionGroup var input: EventInputOptions
    @Option(help: ArgumentHelp("A feature matrix (.npy, float32, the model's columns) to score instead of events.", valueName: "file")) var features: String?
    @OptionGroup(title: "Tables: one row per session instead of events") var table: TableOptions
    @Option(name: .customLong("out"), help: ArgumentHelp("Output: .csv or .jsonl (default, or -: CSV on standard output).", valueName: "file")) var outOption: String?
    /// The output file; nil for standard output (no option, or `-`).
    var out: String? { outOption == "-" ? nil : outOption }
    @Option(help: "session or visitor.") var level: String = "session"
    @Option(help: ArgumentHelp("Score from the first K page views of each session.", valueName: "K")) var prefix: Int?
    @Option(help: ArgumentHelp("Add the N features that pushed the predicted intent most, in words, with their contribution.", valueName: "N")) var reasons: Int = 0
    @Option(help: ArgumentHelp("Content playbook (YAML): add the content to show each visitor.", valueName: "file")) var playbook: String?
    @Flag(help: "Sort the events through temporary files first (for input not in time order).") var sort = false
    @Option(help: ArgumentHelp("Events buffered before idle visitors are scored.", valueName: "n")) var chunkEvents: Int = 50_000
    @Option(help: ArgumentHelp("Write timings (JSON).", valueName: "file")) var summaryJson: String?
    @Option(help: "Worker threads (results do not depend on it).") var threads: Int = Parallel.defaultThreads
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if ScoreTable.Level(rawValue: level) == nil { throw ValidationError("--level must be session or visitor") }
        if let prefix, prefix < 1 { throw ValidationError("--prefix must be at least 1") }
        if features == nil && table.table == nil && input.events.isEmpty { throw ValidationError("give --events, --table, or --features with a .npy matrix") }
        if threads < 1 { throw ValidationError("--threads must be at least 1") }
        if !(0...50).contains(reasons) { throw ValidationError("--reasons must be between 0 and 50") }
        if chunkEvents < 1_000 { throw ValidationError("--chunk-events must be at least 1000") }
    }

    /// JSON Lines for a `.jsonl`/`.ndjson` output, else CSV.
    var outputFormat: ScoreTable.Format {
        (out ?? "").hasSuffix(".jsonl") || (out ?? "").hasSuffix(".ndjson") ? .jsonl : .csv
    }

    func run() throws {
        // Loaded alongside the first events' parsing when scoring events (see `Background`).
        let loading = Background(name: "visitintent.model") { [model] in try ModelFile.loadClassifier(path: model) }
        if let tablePath = table.table {
            let classifier = try loading.value()
            var options = table.options(label: table.label)
            options.categorical = []; options.numeric = []
            let t = try FeatureTable.read(path: tablePath, options: options, schema: classifier.featureColumns)
            let p = try classifier.predictProbabilities(t.values, threads: threads)
            let scores = ScoreTable(classes: classifier.classes, sessionIDs: t.ids, visitorIDs: Array(repeating: "", count: t.ids.count),
                                    sessionStart: Array(repeating: 0, count: t.ids.count), probabilities: p)
            let format = outputFormat
            if let out { try scores.write(path: out, format: format, level: .session); print("scored \(t.ids.count) rows → \(out)") }
            else { try scores.write(to: AtomicFile.standardOutput, format: format, level: .session) }
            return
        }
        if let features {
            let classifier = try loading.value()
            let x = try NPYFile.read(path: features)
            let started = DispatchTime.now()
            let p = try classifier.predictProbabilities(x, threads: threads)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
            if let out, out != "/dev/null" {
                let table = ScoreTable(classes: classifier.classes, sessionIDs: (0..<x.rows).map { "row-\($0)" }, visitorIDs: Array(repeating: "", count: x.rows),
                                       sessionStart: Array(repeating: 0, count: x.rows), probabilities: p)
                try table.write(path: out, format: outputFormat, level: ScoreTable.Level.session)
            }
            if let summaryJson {
                let json = "{\"rows\": \(x.rows), \"score_seconds\": \(seconds), \"rows_per_second\": \(Double(x.rows) / max(seconds, 1e-9))}\n"
                try AtomicFile.write(path: summaryJson, text: json)
            }
            if !output.quiet { Console.note("scored \(x.rows) rows in \(String(format: "%.3f", seconds)) s") }
            return
        }
        if input.sessionTimeout != 30 && !output.quiet { Console.note("--session-timeout is ignored: the model's own sessionization rules apply") }
        if input.events.isEmpty { throw ValidationError("give at least one --events file") }
        input.warnTaxonomyIgnored()
        let book = try playbook.map { try ContentPlaybook.load(path: $0) }
        var o = StreamingScorer.Options()
        o.chunkEvents = chunkEvents
        o.prefix = prefix.map { .pageViews($0) } ?? .all
        o.reasons = reasons
        o.playbook = book
        o.threads = threads
        o.limits = input.limits
        let reader = EventReader(options: input.readerOptions(), pseudonymizer: try input.pseudonymizer(quiet: output.quiet))
        let lvl = ScoreTable.Level(rawValue: level)!
        let format = outputFormat
        let started = DispatchTime.now()
        var read = EventReader.Summary()
        var summary = StreamingScorer.Summary()
        var warned = false
        func pass(_ w: AtomicFile.Writer, sorted: Bool) throws {
            read = EventReader.Summary()
            let (r, s) = try StreamingScorer.pass(paths: input.events, reader: reader, sorted: sorted, progress: Progress(label: "scoring", quiet: output.quiet)) {
                let classifier = try loading.value()
                if !warned { warned = true; Console.warnUnreachable(book, model: classifier) }  // once, not again on a sorted second pass
                return try StreamingScorer(model: classifier, writer: ScoreWriter(out: w, format: format, level: lvl, classes: classifier.classes,
                                                                                  details: reasons > 0 || book != nil), options: o)
            }
            read = r
            summary = s.summary
            UntilExit.keep(s)
        }
        func run(_ w: AtomicFile.Writer) throws {
            if sort { try pass(w, sorted: true); return }
            do { try pass(w, sorted: false) } catch let e as StreamingScorer.Failure {
                guard out != nil else { throw e }  // standard output cannot be taken back
                if !output.quiet { Console.note("\(e.description.components(separatedBy: ": the input").first ?? ""): the input is not in time order; sorting it through temporary files") }
                try w.truncate()
                try pass(w, sorted: true)
            }
        }
        if let out { try AtomicFile.write(path: out, run) } else { try run(AtomicFile.standardOutput) }
        Console.reportRead(read, quiet: output.quiet)
        input.reportLimits(summary, quiet: output.quiet)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        if let out { print("scored \(summary.sessions) sessions from \(summary.events) events → \(out)") }
        if let summaryJson {
            try AtomicFile.write(path: summaryJson, text: "{\"events\": \(summary.events), \"rows\": \(summary.sessions), \"score_seconds\": \(seconds), \"events_per_second\": \(Double(summary.events) / max(seconds, 1e-9)), \"peak_buffered_events\": \(summary.peakBufferedEvents), \"carried_events\": \(summary.carriedEvents)}\n")
        }
    }
}
