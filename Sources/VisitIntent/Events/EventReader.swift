/// Reads canonical event files (JSON Lines or CSV, format v1) into an
/// `EventTable`, checking every record.
///
/// A bad record stops the read with an `InputError` naming file, line and
/// field, or — with `skipInvalid` — is counted in `skipped` and left out.
/// Consent is honoured here, before anything else sees the event.
public struct EventReader {
    /// Canonical JSON Lines or CSV, or a GA4 BigQuery export (NDJSON).
    public enum Format: String, Sendable, CaseIterable { case jsonl, csv, ga4 }

    /// How `consent` is honoured.
    public enum ConsentPolicy: Sendable {
        /// Drop events with `consent: false`; keep those without the field.
        case excludeRefused
        /// Keep only events with `consent: true`.
        case requireConsent
    }

    public struct Options: Sendable {
        public var skipInvalid = false
        public var maxLineBytes = 1 << 20
        public var consent = ConsentPolicy.excludeRefused
        public var format: Format?
        /// Clean URLs shared across readers (the service passes one memo to every request's reader).
        public var cleanURLs: CleanURLMemo?
        public init() {}
    }

    /// What a read did, for the summary line.
    public struct Summary: Sendable, Equatable {
        public var records = 0
        public var kept = 0
        public var excludedForConsent = 0
        public var skipped = SkipReport()
        public init() {}

        /// Adds another file's counts.
        public mutating func merge(_ other: Summary) {
            records += other.records
            kept += other.kept
            excludedForConsent += other.excludedForConsent
            skipped.merge(other.skipped)
        }
    }

    public var options: Options
    public var pseudonymizer: Pseudonymizer

    public init(options: Options = Options(), pseudonymizer: Pseudonymizer) {
        self.options = options
        self.pseudonymizer = pseudonymizer
    }

    /// The format named by the file's extension, else sniffed from its first
    /// line; a JSON file whose first record has GA4's columns is a GA4 export.
    public static func detectFormat(path: String) -> Format {
        let lower = path.lowercased()
        if lower.hasSuffix(".csv") || lower.hasSuffix(".tsv") { return .csv }
        var firstLine: [UInt8] = []
        try? LineReader(path: path, maxLineBytes: 1 << 20, chunkBytes: 1 << 16).forEachLine { _, line in
            if case .text(let t) = line, t.contains(where: { $0 != 0x20 && $0 != 0x09 }) { firstLine = Array(t); return false }
            return true
        }
        let text = String(decoding: firstLine, as: UTF8.self)
        let json = firstLine.first(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0xEF && $0 != 0xBB && $0 != 0xBF }) == UInt8(ascii: "{")
        if json || lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") || lower.hasSuffix(".json") {
            if text.contains("\"event_params\"") || (text.contains("\"user_pseudo_id\"") && text.contains("\"event_timestamp\"")) { return .ga4 }
            return .jsonl
        }
        return .csv
    }

    /// Reads `path`, appending to `table`: JSON Lines blocks are parsed on
    /// every core (`PipelinedReader`), in file order, so the table is the same.
    public func read(path: String, into table: inout EventTable) throws -> Summary {
        try PipelinedReader(reader: self).forEachEvent(paths: [path]) { record, _ in table.append(record, visitorPseudonym: record.visitorId!) }
    }

    /// Streams the valid, consented records of `path`, in file order, with
    /// visitor and session ids already replaced by their pseudonyms.
    public func forEachEvent(path: String, _ body: (RawEvent) throws -> Void) throws -> Summary {
        try forEachEvent(source: path, bytes: nil, body)
    }

    /// The same for lines held in memory (a request body, or a block of a
    /// file); `name` stands for the file in errors, whose line numbers start
    /// at `firstLine`.
    public func forEachEvent(bytes: [UInt8], name: String, firstLine: Int = 1, _ body: (RawEvent) throws -> Void) throws -> Summary {
        try forEachEvent(source: name, bytes: bytes, firstLine: firstLine, body)
    }

    /// Reads `bytes` when given, else the file at `path`.
    private func forEachEvent(source path: String, bytes: [UInt8]?, firstLine: Int = 1, _ body: (RawEvent) throws -> Void) throws -> Summary {
        var summary = Summary()
        var pseudonyms: [String: String] = [:]
        var redacted = RedactionCache(clean: options.cleanURLs)
        let format = options.format ?? EventReader.detectFormat(path: path)
        var header: [CanonicalField?]? = nil
        var delimiter = UInt8(ascii: ",")
        let skip = options.skipInvalid

        func handle(_ error: InputError) throws {
            if skip { summary.skipped.record(error) } else { throw error }
        }

        func lines(_ handle: (Int, LineReader.Line) throws -> Bool) throws {
            if let bytes { try LineReader.forEachLine(in: bytes, maxLineBytes: options.maxLineBytes, handle) } else {
                try LineReader(path: path, maxLineBytes: options.maxLineBytes).forEachLine(handle)
            }
        }
        try lines { counted, line in
            let lineNumber = counted + firstLine - 1
            let location = (path, lineNumber)
            guard case .text(let lineBytes) = line else {
                if format == .csv && header == nil {
                    throw InputError(file: path, line: lineNumber, reason: .lineTooLong, detail: "the header is longer than \(options.maxLineBytes) bytes")
                }
                summary.records += 1
                try handle(InputError(file: path, line: lineNumber, reason: .lineTooLong, detail: "longer than \(options.maxLineBytes) bytes"))
                return true
            }
            var bytes = lineBytes
            if lineNumber == 1, bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
                bytes = UnsafeBufferPointer(rebasing: bytes[3...])  // a UTF-8 byte-order mark
            }
            if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return true }  // blank lines are not records
            var record = RawEvent()
            do {
                switch format {
                case .jsonl:
                    summary.records += 1
                    do {
                        try JSONLineParser.parse(bytes) { key, value in
                            if let f = CanonicalField.byName[key] { try record.assign(f, value, csv: false, at: location) }
                        }
                    } catch let f as JSONLineParser.Failure {
                        let array = bytes.first(where: { $0 != 0x20 && $0 != 0x09 }) == UInt8(ascii: "[")
                        throw InputError(file: path, line: lineNumber, reason: f.reason,
                                         detail: array ? "a JSON array, not JSON Lines: write one event object per line" : f.detail)
                    }
                case .ga4:
                    summary.records += 1
                    let tree: JSONValue
                    do { tree = try JSONLineParser.parseTree(bytes) } catch let f as JSONLineParser.Failure {
                        throw InputError(file: path, line: lineNumber, reason: f.reason, detail: f.detail)
                    }
                    record = try GA4Record.map(tree, at: location)
                    if record.visitorId == nil {  // a consent-mode cookieless ping
                        summary.excludedForConsent += 1
                        return true
                    }
                case .csv:
                    let cells: [String]
                    if header == nil { delimiter = CSVParser.sniffDelimiter(bytes) }
                    do { cells = try CSVParser.split(bytes, delimiter: delimiter) } catch let f as CSVParser.Failure {
                        if header == nil { throw InputError(file: path, line: lineNumber, reason: .badHeader, detail: f.detail) }
                        summary.records += 1
                        throw InputError(file: path, line: lineNumber, reason: f.reason, detail: f.detail)
                    }
                    guard let columns = header else {
                        var names = cells.map { $0.trimmingWhitespace.lowercased() }
                        if let first = names.first, first.hasPrefix("\u{FEFF}") { names[0] = String(first.dropFirst()) }
                        let mapped = names.map { CanonicalField.byName[$0] }
                        for required in [CanonicalField.visitorId, .timestamp, .event] where !mapped.contains(required) {
                            throw InputError(file: path, line: lineNumber, field: required.rawValue, reason: .badHeader, detail: "the CSV header has no '\(required.rawValue)' column")
                        }
                        header = mapped
                        return true
                    }
                    summary.records += 1
                    guard cells.count == columns.count else {
                        throw InputError(file: path, line: lineNumber, reason: .wrongFieldCount, detail: "\(cells.count) fields, the header has \(columns.count)")
                    }
                    for (index, field) in columns.enumerated() {
                        guard let field else { continue }
                        try record.assign(field, .string(cells[index]), csv: true, at: location)
                    }
                }
                try record.validate(at: location)
            } catch let error as InputError {
                try handle(error)
                return true
            }
            switch (options.consent, record.consent) {
            case (.excludeRefused, .some(false)), (.requireConsent, .some(false)), (.requireConsent, .none):
                summary.excludedForConsent += 1
                return true
            default: break
            }
            // Bounded: session ids are seen once, so an unbounded cache would grow with the file.
            if pseudonyms.count > 200_000 { pseudonyms.removeAll(keepingCapacity: true) }
            let raw = record.visitorId!
            if let known = pseudonyms[raw] { record.visitorId = known } else {
                let p = pseudonymizer.pseudonym(raw)
                pseudonyms[raw] = p
                record.visitorId = p
            }
            if let raw = record.sessionId {
                if let known = pseudonyms[raw] { record.sessionId = known } else {
                    let p = pseudonymizer.pseudonym(raw)
                    pseudonyms[raw] = p
                    record.sessionId = p
                }
            }
            record.redactPersonalData(cache: &redacted)
            try body(record)
            summary.kept += 1
            return true
        }
        if format == .csv && header == nil {
            throw InputError(file: path, reason: .emptyFile, detail: "the CSV file has no header")
        }
        return summary
    }
}
