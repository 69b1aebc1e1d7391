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

    /// Reads `path`, appending to `table`: JSON Lines blocks are parsed into
    /// tables on every core (`PipelinedReader`), whose rows are gathered in
    /// file order, so the table is the one appending event by event gives.
    public func read(path: String, into table: inout EventTable) throws -> Summary {
        try PipelinedReader(reader: self).forEachTable(paths: [path]) { part, _ in table.append(part) }
    }

    /// Streams the valid, consented records of `path`, in file order, with
    /// visitor and session ids already replaced by their pseudonyms.
    public func forEachEvent(path: String, _ body: (RawEvent) throws -> Void) throws -> Summary {
        var admission = Admission(reader: self)
        return try forEachEvent(source: path, bytes: nil, admission: &admission, body)
    }

    /// The same for lines held in memory (a request body, or a block of a
    /// file); `name` stands for the file in errors, whose line numbers start
    /// at `firstLine`.
    public func forEachEvent(bytes: [UInt8], name: String, firstLine: Int = 1, _ body: (RawEvent) throws -> Void) throws -> Summary {
        var admission = Admission(reader: self)
        return try forEachEvent(source: name, bytes: bytes, firstLine: firstLine, admission: &admission, body)
    }

    /// The same, keeping `admission`'s memos (pseudonyms, redacted URLs) from
    /// one call to the next, as the pipelined reader does for the parts of a
    /// file; returns this call's counts.
    func forEachEvent(bytes: [UInt8], name: String, firstLine: Int, admission: inout Admission, _ body: (RawEvent) throws -> Void) throws -> Summary {
        admission.summary = Summary()
        return try forEachEvent(source: name, bytes: bytes, firstLine: firstLine, admission: &admission, body)
    }

    /// The same for event objects already parsed (the service's request
    /// bodies): object `i` stands for line `i + 1` of `name` in errors. Saves
    /// writing the objects back as JSON Lines only to parse them again.
    public func forEachEvent(objects: [JSONValue], name: String, _ body: (RawEvent) throws -> Void) throws -> Summary {
        var admission = Admission(reader: self)
        for (i, object) in objects.enumerated() {
            let location = (name, i + 1)
            admission.summary.records += 1
            var record = RawEvent()
            do {
                guard case .object(let members) = object else {
                    throw InputError(file: name, line: i + 1, reason: .malformedJSON, detail: "not a JSON object")
                }
                for (key, value) in members {
                    if let f = CanonicalField.byName[key] { try record.assign(f, FieldValue(value), csv: false, at: location) }
                }
                try record.validate(at: location)
            } catch let error as InputError {
                try admission.refuse(error)
                continue
            }
            try admission.admit(&record, body)
        }
        return admission.summary
    }

    /// What every record goes through once its fields are read: the consent
    /// policy, pseudonyms for visitor and session ids (cached, bounded), and
    /// redaction of personal data; then the caller's `body`.
    struct Admission {
        let reader: EventReader
        var summary = Summary()
        /// By exact bytes: ids that are canonically equivalent but not identical are different ids.
        var pseudonyms: [ExactString: String] = [:]
        var redacted: RedactionCache

        init(reader: EventReader) {
            self.reader = reader
            redacted = RedactionCache(clean: reader.options.cleanURLs)
        }

        /// Counts a bad record when skipping them, else throws it.
        mutating func refuse(_ error: InputError) throws {
            if reader.options.skipInvalid { summary.skipped.record(error) } else { throw error }
        }

        mutating func admit(_ record: inout RawEvent, _ body: (RawEvent) throws -> Void) throws {
            switch (reader.options.consent, record.consent) {
            case (.excludeRefused, .some(false)), (.requireConsent, .some(false)), (.requireConsent, .none):
                summary.excludedForConsent += 1
                return
            default: break
            }
            // Bounded: session ids are seen once, so an unbounded cache would grow with the file.
            if pseudonyms.count > 200_000 { pseudonyms.removeAll(keepingCapacity: true) }
            record.visitorId = pseudonym(record.visitorId!)
            if let raw = record.sessionId { record.sessionId = pseudonym(raw) }
            record.redactPersonalData(cache: &redacted)
            try body(record)
            summary.kept += 1
        }

        private mutating func pseudonym(_ raw: String) -> String {
            let key = ExactString(raw)
            if let known = pseudonyms[key] { return known }
            let p = reader.pseudonymizer.pseudonym(raw)
            pseudonyms[key] = p
            return p
        }
    }

    /// Reads `bytes` when given, else the file at `path`.
    private func forEachEvent(source path: String, bytes: [UInt8]?, firstLine: Int = 1, admission: inout Admission, _ body: (RawEvent) throws -> Void) throws -> Summary {
        let format = options.format ?? EventReader.detectFormat(path: path)
        var header: [CanonicalField?]? = nil
        var delimiter = UInt8(ascii: ",")

        func handle(_ error: InputError) throws { try admission.refuse(error) }

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
                admission.summary.records += 1
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
                    admission.summary.records += 1
                    do {
                        try JSONLineParser.parseCanonical(bytes) { f, value in try record.assign(f, value, csv: false, at: location) }
                    } catch let f as JSONLineParser.Failure {
                        let array = bytes.first(where: { $0 != 0x20 && $0 != 0x09 }) == UInt8(ascii: "[")
                        throw InputError(file: path, line: lineNumber, reason: f.reason,
                                         detail: array ? "a JSON array, not JSON Lines: write one event object per line" : f.detail)
                    }
                case .ga4:
                    admission.summary.records += 1
                    let tree: JSONValue
                    do { tree = try JSONLineParser.parseTree(bytes) } catch let f as JSONLineParser.Failure {
                        throw InputError(file: path, line: lineNumber, reason: f.reason, detail: f.detail)
                    }
                    record = try GA4Record.map(tree, at: location)
                    if record.visitorId == nil {  // a consent-mode cookieless ping
                        admission.summary.excludedForConsent += 1
                        return true
                    }
                case .csv:
                    let cells: [String]
                    if header == nil { delimiter = CSVParser.sniffDelimiter(bytes) }
                    do { cells = try CSVParser.split(bytes, delimiter: delimiter) } catch let f as CSVParser.Failure {
                        if header == nil { throw InputError(file: path, line: lineNumber, reason: .badHeader, detail: f.detail) }
                        admission.summary.records += 1
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
                    admission.summary.records += 1
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
            try admission.admit(&record, body)
            return true
        }
        if format == .csv && header == nil {
            throw InputError(file: path, reason: .emptyFile, detail: "the CSV file has no header")
        }
        return admission.summary
    }
}
