import ArgumentParser
import Foundation
import VisitIntent

struct ScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Score sessions or visitors with a trained model.",
        discussion: """
        One row per session (session id, pseudonymous visitor id, one probability per class, predicted intent), \
        or per visitor with --level visitor (latest session's scores and the highest probability of each class). \
        CSV or JSON Lines by the --out extension. --prefix K scores from the first K page views only.

        Example:
          intent score --model models/clinic-logistic.json --events datasets/clinic-sample/events.jsonl --out scores.csv
        """)

    @Option(help: ArgumentHelp("Model file.", valueName: "file")) var model: String
    @OptionGroup var input: EventInputOptions
    @Option(help: ArgumentHelp("A feature matrix (.npy, float32, the model's columns) to score instead of events.", valueName: "file")) var features: String?
    @OptionGroup(title: "Tables: one row per session instead of events") var table: TableOptions
    @Option(help: ArgumentHelp("Output: .csv or .jsonl (default: CSV on standard output).", valueName: "file")) var out: String?
    @Option(help: "session or visitor.") var level: String = "session"
    @Option(help: ArgumentHelp("Score from the first K page views of each session.", valueName: "K")) var prefix: Int?
    @Option(help: ArgumentHelp("Write timings (JSON).", valueName: "file")) var summaryJson: String?
    @Option(help: "Worker threads (results do not depend on it).") var threads: Int = Parallel.defaultThreads
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if ScoreTable.Level(rawValue: level) == nil { throw ValidationError("--level must be session or visitor") }
        if let prefix, prefix < 1 { throw ValidationError("--prefix must be at least 1") }
        if features == nil && table.table == nil && input.events.isEmpty { throw ValidationError("give --events, --table, or --features with a .npy matrix") }
        if threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        let classifier = try ModelFile.loadClassifier(path: model)
        if let tablePath = table.table {
            var options = table.options(label: table.label)
            options.categorical = []; options.numeric = []
            let t = try FeatureTable.read(path: tablePath, options: options, schema: classifier.featureColumns)
            let p = try classifier.predictProbabilities(t.values, threads: threads)
            let scores = ScoreTable(classes: classifier.classes, sessionIDs: t.ids, visitorIDs: Array(repeating: "", count: t.ids.count),
                                    sessionStart: Array(repeating: 0, count: t.ids.count), probabilities: p)
            let format = (out ?? "").hasSuffix(".jsonl") || (out ?? "").hasSuffix(".ndjson") ? ScoreTable.Format.jsonl : ScoreTable.Format.csv
            if let out { try scores.write(path: out, format: format, level: .session); print("scored \(t.ids.count) rows → \(out)") }
            else { try scores.write(to: AtomicFile.standardOutput, format: format, level: .session) }
            return
        }
        if let features {
            let x = try NPYFile.read(path: features)
            let started = DispatchTime.now()
            let p = try classifier.predictProbabilities(x, threads: threads)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
            if let out, out != "/dev/null" {
                let table = ScoreTable(classes: classifier.classes, sessionIDs: (0..<x.rows).map { "row-\($0)" }, visitorIDs: Array(repeating: "", count: x.rows),
                                       sessionStart: Array(repeating: 0, count: x.rows), probabilities: p)
                try table.write(path: out, format: out.hasSuffix(".jsonl") || out.hasSuffix(".ndjson") ? ScoreTable.Format.jsonl : ScoreTable.Format.csv, level: ScoreTable.Level.session)
            }
            if let summaryJson {
                let json = "{\"rows\": \(x.rows), \"score_seconds\": \(seconds), \"rows_per_second\": \(Double(x.rows) / max(seconds, 1e-9))}\n"
                try AtomicFile.write(path: summaryJson, text: json)
            }
            if !output.quiet { Console.note("scored \(x.rows) rows in \(String(format: "%.3f", seconds)) s") }
            return
        }
        if input.sessionTimeout != 30 && !output.quiet { Console.note("--session-timeout is ignored: the model's own sessionization rules apply") }
        let data = try input.load(sessionizer: classifier.requireFeatureSpec().sessionizer, quiet: output.quiet)
        let started = DispatchTime.now()
        let (table, _) = try ScoreTable.score(model: classifier, data: data, prefix: prefix.map { .pageViews($0) } ?? .all, threads: threads)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        let lvl = ScoreTable.Level(rawValue: level)!
        if let out {
            try table.write(path: out, format: out.hasSuffix(".jsonl") || out.hasSuffix(".ndjson") ? ScoreTable.Format.jsonl : ScoreTable.Format.csv, level: lvl)
            print("scored \(table.sessionIDs.count) sessions → \(out)")
        } else {
            try table.write(to: AtomicFile.standardOutput, format: ScoreTable.Format.csv, level: lvl)
        }
        if let summaryJson {
            try AtomicFile.write(path: summaryJson, text: "{\"rows\": \(table.sessionIDs.count), \"score_seconds\": \(seconds)}\n")
        }
    }
}
