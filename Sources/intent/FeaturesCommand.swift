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
          intent features --model models/clinic-logistic.json --events big-export.jsonl --out big.npy
          intent features --table online_shoppers_intention.csv --label Revenue --out shoppers.npy
        """)

    @OptionGroup var input: EventInputOptions
    @OptionGroup(title: "Tables: one row per session instead of events") var table: TableOptions
    @Option(help: ArgumentHelp("Labels file (session_id,intent) to add an intent column.", valueName: "file")) var labels: String?
    @Option(help: ArgumentHelp("Use this model's feature spec (same columns as the model) instead of fitting one on these events; the events then stream (memory bounded by the visitors still active) and rows come in the order sessions close, and --max-sessions-per-visitor counts a visitor's sessions within each chunk of events, as intent score does.", valueName: "file")) var model: String?
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
            Console.wrote("wrote \(t.values.rows) rows × \(t.columns.count) columns (\(t.columns.filter(\.isCategorical).count) categorical) from \(tablePath) to \(out)", to: out)
            return
        }
        let modelSpec = try model.map { try ModelFile.loadClassifier(path: $0).requireFeatureSpec() }
        if let modelSpec { return try stream(spec: modelSpec) }
        let data = try input.load(quiet: output.quiet)
        let spec = try FeatureSpec.fit(events: data.events, sessions: data.sessions, taxonomyYAML: try input.taxonomyYAML(),
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
        Console.wrote("wrote \(matrix.rows) sessions × \(matrix.columns.count) features from \(data.readSummary.kept) events to \(out)", to: out)
    }

    /// With a model's spec nothing is fitted on the events, so they stream as in
    /// `intent score`: memory bounded by the visitors still active, rows written
    /// as their visitors go idle (in that order, not the sessions' start order).
    func stream(spec: FeatureSpec) throws {
        if input.events.isEmpty { throw ValidationError("give at least one --events file") }
        if input.sessionTimeout != 30 && !output.quiet { Console.note("--session-timeout is ignored: the model's own sessionization rules apply") }
        input.warnTaxonomyIgnored()
        let pseudonymizer = try input.pseudonymizer(quiet: output.quiet)
        let reader = EventReader(options: input.readerOptions(), pseudonymizer: pseudonymizer)
        var keyed: LabelSet? = nil
        if let labels {
            var skipped = SkipReport()
            let set = try LabelSet.read(path: labels, skipInvalid: input.skipInvalid, skipped: &skipped)
            for line in skipped.lines { Console.note(line) }
            keyed = set.pseudonymized(pseudonymizer)
        }
        var o = StreamingScorer.Options()
        o.prefix = prefixPageViews.map { .pageViews($0) } ?? .all
        o.limits = input.limits
        // Sessions labelled by an outcome event are cut before it, as in training.
        if let keyed { o.eventLimits = { keyed.eventLimits(for: $0) } }
        let columns = spec.columns.map(\.name)
        let label: ((String) -> String?)? = keyed.map { k in { k.intentBySession[$0] } }
        var read = EventReader.Summary(), summary = StreamingScorer.Summary()
        var written = 0, matched = 0
        func run(_ destination: () throws -> FeatureRowWriter, restart: () throws -> Void) throws {
            func pass(sorted: Bool) throws {
                let rows = try destination()
                let progress = Progress(label: "features", quiet: output.quiet)
                let (r, s) = try StreamingScorer.pass(paths: input.events, reader: reader, sorted: sorted, progress: progress, done: "events read") {
                    try StreamingScorer(spec: spec, output: rows, options: o)
                }
                (read, summary, written, matched) = (r, s.summary, rows.rows, rows.labelled)
            }
            do { try pass(sorted: false) } catch let e as StreamingScorer.Failure {
                if !output.quiet { Console.note("\(e.description.components(separatedBy: ": the input").first ?? ""): the input is not in time order; sorting it through temporary files") }
                try restart()
                try pass(sorted: true)
            }
            // Inside the write: when nothing was usable or no label matches, nothing is left behind.
            if read.kept == 0 {
                throw InputError(file: input.events.joined(separator: ", "), reason: .emptyFile,
                                 detail: "no usable events (read \(read.records) records, skipped \(read.skipped.total), excluded for consent \(read.excludedForConsent))")
            }
            if let labels, let keyed {
                if matched == 0 { throw ValidationError("no label in \(labels) matches a session of the events") }
                if !output.quiet && matched < keyed.labelCount { Console.note("\(keyed.labelCount - matched) label(s) match no session") }
            }
        }
        if out.hasSuffix(".npy") {
            let stem = String(out.dropLast(4))
            try AtomicFile.write(path: out) { matrix in
                try AtomicFile.write(path: stem + ".rows.csv") { ids in
                    try run({ try FeatureRowWriter(.npy(matrix, rows: ids), columns: columns, label: label) },
                            restart: { try matrix.truncate(); try ids.truncate() })
                }
            }
            try AtomicFile.write(path: stem + ".columns.tsv", text: spec.columns.map { "\($0.name)\t\($0.transform.rawValue)\n" }.joined())
        } else {
            try AtomicFile.write(path: out) { w in
                try run({ try FeatureRowWriter(.csv(w), columns: columns, label: label) }, restart: { try w.truncate() })
            }
        }
        Console.reportRead(read, quiet: output.quiet)
        input.reportLimits(summary, quiet: output.quiet)
        Console.wrote("wrote \(written) sessions × \(columns.count) features from \(read.kept) events to \(out)", to: out)
    }
}
