import Foundation
import LinearAlgebra

/// What each libFuzzer target in `Fuzz/` does with one input, shared with the
/// corpus replay test so that both run exactly the same code.
///
/// A function per target: it feeds the bytes to one reader in the ways the
/// tools use it and ignores thrown errors — a reader that refuses bad input
/// is doing its job. Only a trap, a crash, a hang or a sanitizer report is a
/// finding. File-based readers get the bytes through a scratch file
/// (`$VISITINTENT_FUZZ_SCRATCH`, else `/dev/shm`), removed after each input.
/// `targets` names every function by its fuzz target (`Fuzz/Corpus/<name>/`).
public enum FuzzHarness {
    /// Every target by name, as in `Fuzz/Package.swift`, `Fuzz/Corpus/` and `Fuzz/Crashes/`.
    public static let targets: [String: @Sendable ([UInt8]) -> Void] = [
        "FuzzJSONLines": { jsonLines($0) }, "FuzzCSV": { csv($0) }, "FuzzGA4": { ga4($0) },
        "FuzzTaxonomy": { taxonomy($0) }, "FuzzLabelRules": { labelRules($0) }, "FuzzModelFile": { modelFile($0) },
        "FuzzRedactor": { redactor($0) }, "FuzzLabels": { labels($0) }, "FuzzFeatureTable": { featureTable($0) },
    ]

    /// Canonical JSON Lines: the line parsers in memory, then the reader strict and skipping (then sessionized).
    public static func jsonLines(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { line in
            _ = try? JSONLineParser.parse(line) { _, _ in }
            _ = try? JSONLineParser.parseTree(line)
        }
        readEvents(bytes, format: .jsonl, name: "events.jsonl")
        withScratchFile("decoded.jsonl", bytes) { compareDecoder($0) }
    }

    /// The batch reader's decoder (`PipelinedReader.forEachTable`) must read
    /// every input exactly as the full reader does, skipping bad records: a
    /// difference in rows, strings or counts traps, so it is a finding.
    static func compareDecoder(_ path: String) {
        var options = EventReader.Options()
        options.format = .jsonl
        options.skipInvalid = true
        options.maxLineBytes = 1 << 16
        let reader = EventReader(options: options, pseudonymizer: pseudonymizer)
        var full = EventTable(), fast = EventTable()
        let a = try? reader.forEachEvent(path: path) { full.append($0, visitorPseudonym: $0.visitorId!) }
        var pipelined = PipelinedReader(reader: reader)
        pipelined.threads = 2
        pipelined.blockBytes = 256  // several blocks even for short inputs
        let b = try? pipelined.forEachTable(paths: [path]) { table, _ in fast.append(table) }
        guard a == b, full.pool.strings.map({ Array($0.utf8) }) == fast.pool.strings.map({ Array($0.utf8) }),
              full.visitor == fast.visitor, full.session == fast.session, full.time == fast.time, full.utcOffset == fast.utcOffset,
              full.kind == fast.kind, full.otherName == fast.otherName, full.path == fast.path, full.host == fast.host,
              full.referrerHost == fast.referrerHost, full.device == fast.device, full.source == fast.source, full.medium == fast.medium,
              full.campaign == fast.campaign, full.country == fast.country, full.region == fast.region, full.gender == fast.gender,
              full.ageBand == fast.ageBand, full.consent == fast.consent, full.engagementMs == fast.engagementMs,
              full.searched == fast.searched, zip(full.scrollPct, fast.scrollPct).allSatisfy({ $0 == $1 || ($0.isNaN && $1.isNaN) }) else {
            fatalError("FuzzHarness: the event decoder and the full reader disagree on this input")
        }
    }

    /// Canonical CSV events (delimiter sniffing, quotes, byte-order mark), strict and skipping.
    public static func csv(_ bytes: [UInt8]) { readEvents(bytes, format: .csv, name: "events.csv") }

    /// A GA4 BigQuery export (NDJSON), strict and skipping.
    public static func ga4(_ bytes: [UInt8]) { readEvents(bytes, format: .ga4, name: "events_20261128.json") }

    /// A site taxonomy (YAML), then classification of a few paths.
    public static func taxonomy(_ bytes: [UInt8]) {
        guard let taxonomy = try? SiteTaxonomy.parse(yaml: String(decoding: bytes, as: UTF8.self), file: "<fuzz>") else { return }
        for path in probePaths { _ = taxonomy.classifyIndices(path) }
    }

    /// Outcome label rules (YAML), then labelling a small fixed set of sessions with them.
    public static func labelRules(_ bytes: [UInt8]) {
        guard let rules = try? OutcomeRules.parse(yaml: String(decoding: bytes, as: UTF8.self), file: "<fuzz>") else { return }
        if let sessions = labelledSessions { _ = OutcomeLabeler(rules: rules, taxonomy: .generic).label(sessions) }
    }

    /// A model file: checked load from a file, then — the checksum is no signature — its payload decoded unchecked; a decoded model predicts.
    public static func modelFile(_ bytes: [UInt8]) {
        _ = try? ModelFile.readPayload(data: Data(bytes), path: "<fuzz>")
        withScratchFile("model.json", bytes) { path in
            if let model = try? ModelFile.loadClassifier(path: path) { use(model) }
        }
        let payload = payloadIgnoringChecksum(bytes)
        struct Kind: Decodable { var kind: String }
        guard let kind = try? JSONDecoder().decode(Kind.self, from: payload), let entry = ModelRegistry.types[kind.kind],
              let model = try? entry.decode(payload, ModelFile.decoder()) else { return }
        use(model)
    }

    /// `Redactor.text` and `Redactor.url`; traps if the output keeps 9+ digits in a row or breaks a
    /// UTF-8 sequence, or if the byte paths of `Redactor.url` and `PageURL` differ from their references.
    public static func redactor(_ bytes: [UInt8]) {
        let input = String(decoding: bytes, as: UTF8.self)
        checkRedacted(Redactor.text(input), of: input, by: "text", percentDecodes: false)
        let url = Redactor.url(input)
        checkRedacted(url, of: input, by: "url", percentDecodes: true)
        if url != Redactor.generalURL(input) { fatalError("Redactor.url differs from its reference on \(Array(input.utf8))") }
        if PageURL(input) != PageURL(general: input) { fatalError("PageURL differs from its reference on \(Array(input.utf8))") }
    }

    /// A labels file (CSV or JSON Lines, sniffed), strict and skipping.
    public static func labels(_ bytes: [UInt8]) {
        withScratchFile("labels", bytes) { path in
            var skipped = SkipReport()
            _ = try? LabelSet.read(path: path, skipInvalid: false, skipped: &skipped)
            _ = try? LabelSet.read(path: path, skipInvalid: true, skipped: &skipped)
        }
    }

    /// A feature table (CSV), with inferred columns and with `label`/`id` columns named.
    public static func featureTable(_ bytes: [UInt8]) {
        withScratchFile("table.csv", bytes) { path in
            _ = try? FeatureTable.read(path: path, options: FeatureTable.Options())
            var options = FeatureTable.Options()
            options.labelColumn = "label"
            options.idColumn = "id"
            _ = try? FeatureTable.read(path: path, options: options)
        }
    }

    // MARK: - Helpers

    static let pseudonymizer = Pseudonymizer(key: Data("fuzz".utf8))
    static let probePaths = ["/", "", "/fr/tarifs", "/acide-hyaluronique/avant-apres", "/blog/2026/11/30/", "/a//b?c#d", "/é/%C3%A9/**"]

    static func readEvents(_ bytes: [UInt8], format: EventReader.Format, name: String) {
        withScratchFile(name, bytes) { path in
            var options = EventReader.Options()
            options.format = format
            options.maxLineBytes = 1 << 16  // above every target's -max_len; the default 1 MiB costs a 2 MiB buffer per read
            _ = try? EventReader(options: options, pseudonymizer: pseudonymizer).forEachEvent(path: path) { _ in }
            options.skipInvalid = true
            options.maxLineBytes = 512
            options.consent = .requireConsent
            _ = try? SessionDataset.load(paths: [path], reader: EventReader(options: options, pseudonymizer: pseudonymizer),
                                         sessionizer: SessionizerConfiguration())
        }
    }

    /// Writes `bytes` to a scratch file, runs `body` on its path, removes it.
    static func withScratchFile(_ name: String, _ bytes: [UInt8], _ body: (String) -> Void) {
        let path = scratchPrefix + name
        guard (try? Data(bytes).write(to: URL(fileURLWithPath: path))) != nil else { fatalError("FuzzHarness: cannot write \(path)") }
        body(path)
        try? FileManager.default.removeItem(atPath: path)
    }

    static let scratchPrefix: String = {
        let env = ProcessInfo.processInfo.environment["VISITINTENT_FUZZ_SCRATCH"]
        let directory = env ?? (FileManager.default.isWritableFile(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory())
        return PathText.join(directory, "visitintent-fuzz-\(ProcessInfo.processInfo.processIdentifier)-")
    }()

    /// Two visitors, one who books and one who reads procedure and pricing pages.
    static let labelledSessions: SessionDataset? = {
        let lines = [
            #"{"visitor_id":"a","timestamp":"2026-09-01T09:00:00+02:00","event":"page_view","url":"https://c.fr/acide-hyaluronique"}"#,
            #"{"visitor_id":"a","timestamp":"2026-09-01T09:01:00+02:00","event":"page_view","url":"https://c.fr/tarifs"}"#,
            #"{"visitor_id":"a","timestamp":"2026-09-01T09:02:00+02:00","event":"form_submit","url":"https://c.fr/prendre-rendez-vous"}"#,
            #"{"visitor_id":"a","timestamp":"2026-09-03T10:00:00+02:00","event":"booking","url":"https://c.fr/prendre-rendez-vous"}"#,
            #"{"visitor_id":"b","timestamp":"2026-09-01T11:00:00+02:00","event":"page_view","url":"https://c.fr/laser"}"#,
            #"{"visitor_id":"b","timestamp":"2026-09-01T11:03:00+02:00","event":"phone_click","url":"https://c.fr/contact"}"#,
        ]
        var dataset: SessionDataset?
        withScratchFile("sessions.jsonl", Array((lines.joined(separator: "\n") + "\n").utf8)) { path in
            dataset = try? SessionDataset.load(paths: [path], reader: EventReader(pseudonymizer: pseudonymizer), sessionizer: SessionizerConfiguration())
        }
        return dataset
    }()

    /// The bytes after `"model":` up to the last `}` (a model file's payload), or all of them.
    static func payloadIgnoringChecksum(_ bytes: [UInt8]) -> Data {
        let key = Array(#""model":"#.utf8)
        guard bytes.count > key.count, let start = (0...(bytes.count - key.count)).first(where: { bytes[$0..<($0 + key.count)].elementsEqual(key) }),
              let end = bytes.lastIndex(of: UInt8(ascii: "}")), end > start + key.count else { return Data(bytes) }
        return Data(bytes[(start + key.count)..<end])
    }

    /// What the tools do with a loaded model: predict (two rows, zeros and missing values), describe it.
    static func use(_ model: any Classifier) {
        let width = model.featureColumns.count
        if width <= 1 << 12 {
            let x = Matrix<Float>(rows: 2, columns: width, storage: [Float](repeating: 0, count: width) + [Float](repeating: .nan, count: width))
            _ = try? model.predictProbabilities(x, threads: 1)
        }
        _ = model.card()
        _ = model.columnImportance()
    }

    static func checkRedacted(_ output: String, of input: String, by function: String, percentDecodes: Bool) {
        var run = 0
        for b in output.utf8 {
            run = b >= 48 && b <= 57 ? run + 1 : 0
            if run >= 9 { fatalError("Redactor.\(function) left \(run)+ digits in a row: \(input.debugDescription) -> \(output.debugDescription)") }
        }
        // U+FFFD appears only where the input had one, or where percent-decoding met invalid UTF-8.
        if output.contains("\u{FFFD}") && !input.contains("\u{FFFD}") && !(percentDecodes && input.contains("%")) {
            fatalError("Redactor.\(function) broke a UTF-8 sequence: \(input.debugDescription) -> \(output.debugDescription)")
        }
    }
}
