import ArgumentParser
import VisitIntent

struct FeaturesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "features",
        abstract: "Turn events into a feature matrix (CSV) for inspection or other tools.",
        discussion: """
        One row per session: session_id, pseudonymous visitor id, one column per feature \
        (see docs/features.md) and, with --labels, the intent.

        Example:
          intent features --events datasets/clinic-sample/events.jsonl \\
            --labels datasets/clinic-sample/labels.csv \\
            --taxonomy datasets/clinic-taxonomy.yaml --out features.csv
          intent features --table online_shoppers_intention.csv --label Revenue --out shoppers.npy
        """)

    @OptionGroup var input: EventInputOptions
    @OptionGroup(title: "Tables: one row per session instead of events") var table: TableOptions
    @Option(help: ArgumentHelp("Labels file (session_id,intent) to add an intent column.", valueName: "file")) var labels: String?
    @Option(help: ArgumentHelp("Use this model's feature spec (same columns as the model) instead of fitting one on these events.", valueName: "file")) var model: String?
    @Option(help: ArgumentHelp("Only the first K page views of each session (early prediction).", valueName: "K")) var prefixPageViews: Int?
    @Option(help: ArgumentHelp("Output: .csv, or .npy (float32 matrix, with NAME.columns.tsv and NAME.rows.csv beside it).", valueName: "file")) var out: String
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if let k = prefixPageViews, k < 1 { throw ValidationError("--prefix-page-views must be at least 1") }
    }

    func run() throws {
        if let tablePath = table.table {
            // A table is already one row per session: type it (or check it against a model) and write it.
            let schema = try model.map { try ModelFile.loadClassifier(path: $0).featureColumns }
            let t = try FeatureTable.read(path: tablePath, options: table.options(label: table.label), schema: schema)
            try t.write(path: out)
            print("wrote \(t.values.rows) rows × \(t.columns.count) columns (\(t.columns.filter(\.isCategorical).count) categorical) from \(tablePath) to \(out)")
            return
        }
        let modelSpec = try model.map { try ModelFile.loadClassifier(path: $0).requireFeatureSpec() }
        let data = try input.load(sessionizer: modelSpec?.sessionizer, quiet: output.quiet)
        let spec = try modelSpec ?? FeatureSpec.fit(events: data.events, sessions: data.sessions, taxonomyYAML: try input.taxonomyYAML(),
                                                    configuration: { var c = FeatureConfiguration(); c.sessionizer = input.sessionizer(); return c }())
        var keyed: LabelSet? = nil
        if let labels {
            var skipped = SkipReport()
            let set = try LabelSet.read(path: labels, skipInvalid: input.skipInvalid, skipped: &skipped)
            for line in skipped.lines { Console.note(line) }
            keyed = set.pseudonymized(data.pseudonymizer)
        }
        // Sessions labelled by an outcome event are cut before it, as in training.
        let matrix = try FeatureExtractor(spec: spec).extract(events: data.events, sessions: data.sessions,
                                                              prefix: prefixPageViews.map { .pageViews($0) } ?? .all,
                                                              eventLimits: keyed?.eventLimits(for: data.sessions.id), threads: Parallel.defaultThreads)
        var labelColumn: [String?]? = nil
        if let labels, let keyed {
            labelColumn = matrix.sessionIDs.map { keyed.intentBySession[$0] }
            let matched = labelColumn!.compactMap { $0 }.count
            if matched == 0 { throw ValidationError("no label in \(labels) matches a session of the events") }
            if !output.quiet && matched < keyed.labelCount { Console.note("\(keyed.labelCount - matched) label(s) match no session") }
        }
        if out.hasSuffix(".npy") {
            // Matrix as float32 .npy, plus its column names/transforms and row ids beside it.
            let stem = String(out.dropLast(4))
            try NPYFile.write(matrix.values, path: out)
            try AtomicFile.write(path: stem + ".columns.tsv", text: spec.columns.map { "\($0.name)\t\($0.transform.rawValue)\n" }.joined())
            var rows = "session_id,intent\n"
            for (r, id) in matrix.sessionIDs.enumerated() { rows += CSVText.quote(id) + "," + CSVText.quote(labelColumn?[r] ?? "") + "\n" }
            try AtomicFile.write(path: stem + ".rows.csv", text: rows)
        } else {
            try matrix.writeCSV(path: out, labels: labelColumn, progress: Progress(label: "writing", quiet: output.quiet))
        }
        print("wrote \(matrix.rows) sessions × \(matrix.columns.count) features from \(data.readSummary.kept) events to \(out)")
    }
}
