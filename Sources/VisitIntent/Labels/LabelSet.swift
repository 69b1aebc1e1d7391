/// Known intents of sessions, read from a labels file (`session_id,intent`
/// as CSV with a header, or JSON Lines with those keys), with an optional
/// `weight` per session (a positive number) used as a sample weight.
public struct LabelSet: Sendable {
    public private(set) var intentBySession: [String: String] = [:]
    public private(set) var weightBySession: [String: Double] = [:]

    public init(_ pairs: [String: String] = [:]) { intentBySession = pairs }

    public var count: Int { intentBySession.count }

    /// Labels keyed by the pseudonyms the event reader gives session ids (and,
    /// for ids VisitIntent derived itself, which are pseudonymous already, as written).
    public func pseudonymized(_ p: Pseudonymizer) -> LabelSet {
        var out = LabelSet()
        for (id, intent) in intentBySession {
            let key = p.pseudonym(id)
            out.intentBySession[key] = intent
            if out.intentBySession[id] == nil { out.intentBySession[id] = intent }
            if let w = weightBySession[id] { out.weightBySession[key] = w; out.weightBySession[id] = w }
        }
        out.distinctCount = count
        return out
    }

    /// Distinct labels before pseudonymisation added a second key per session.
    var distinctCount: Int?
    var labelCount: Int { distinctCount ?? count }

    /// Reads a labels file. Extra columns are ignored; a session labelled
    /// twice with different intents is an error.
    public static func read(path: String, skipInvalid: Bool = false, skipped: inout SkipReport) throws -> LabelSet {
        var set = LabelSet()
        let format = EventReader.detectFormat(path: path)
        var sessionColumn = -1, intentColumn = -1, weightColumn = -1
        var headerSeen = false
        var delimiter = UInt8(ascii: ",")
        var columnCount = 0
        func handle(_ e: InputError) throws { if skipInvalid { skipped.record(e) } else { throw e } }
        try LineReader(path: path).forEachLine { lineNumber, line in
            guard case .text(let bytes) = line else {
                try handle(InputError(file: path, line: lineNumber, reason: .lineTooLong))
                return true
            }
            if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return true }
            var session: String? = nil, intent: String? = nil, weight: String? = nil
            do {
                switch format {
                case .csv:
                    let cells: [String]
                    if !headerSeen { delimiter = CSVParser.sniffDelimiter(bytes) }
                    do { cells = try CSVParser.split(bytes, delimiter: delimiter) } catch let f as CSVParser.Failure {
                        throw InputError(file: path, line: lineNumber, reason: f.reason, detail: f.detail)
                    }
                    if !headerSeen {
                        let names = cells.map { $0.trimmingWhitespace.lowercased().replacingAll("\u{FEFF}", with: "") }
                        guard let s = names.firstIndex(of: "session_id") else {
                            throw InputError(file: path, line: lineNumber, field: "session_id", reason: .badHeader, detail: "the labels header needs 'session_id' and 'intent' columns")
                        }
                        guard let i = names.firstIndex(of: "intent") else {
                            throw InputError(file: path, line: lineNumber, field: "intent", reason: .badHeader, detail: "the labels header needs 'session_id' and 'intent' columns")
                        }
                        sessionColumn = s; intentColumn = i; columnCount = names.count
                        weightColumn = names.firstIndex(of: "weight") ?? -1
                        headerSeen = true
                        return true
                    }
                    guard cells.count == columnCount else {
                        throw InputError(file: path, line: lineNumber, reason: .wrongFieldCount, detail: "\(cells.count) fields, the header has \(columnCount)")
                    }
                    session = cells[sessionColumn]; intent = cells[intentColumn]
                    if weightColumn >= 0, !cells[weightColumn].isEmpty { weight = cells[weightColumn] }
                case .jsonl:
                    do {
                        try JSONLineParser.parse(bytes) { key, value in
                            switch (key, value) {
                            case ("session_id", .string(let s)), ("session_id", .number(let s)): session = s
                            case ("intent", .string(let s)), ("intent", .number(let s)): intent = s
                            case ("weight", .number(let s)): weight = s
                            case ("weight", .null): break
                            case ("weight", _):
                                throw InputError(file: path, line: lineNumber, field: key, reason: .wrongType, detail: "expected a number")
                            case ("session_id", _), ("intent", _):
                                throw InputError(file: path, line: lineNumber, field: key, reason: .wrongType, detail: "expected a string")
                            default: break
                            }
                        }
                    } catch let f as JSONLineParser.Failure {
                        throw InputError(file: path, line: lineNumber, reason: f.reason, detail: f.detail)
                    }
                }
                guard let s = session?.trimmingWhitespace, !s.isEmpty else {
                    throw InputError(file: path, line: lineNumber, field: "session_id", reason: .missingField)
                }
                guard let i = intent?.trimmingWhitespace, !i.isEmpty else {
                    throw InputError(file: path, line: lineNumber, field: "intent", reason: .missingField)
                }
                if let existing = set.intentBySession[s], existing != i {
                    throw InputError(file: path, line: lineNumber, field: "intent", reason: .badValue, detail: "this session is already labelled with another intent")
                }
                if let weight {
                    guard let w = Double(weight.trimmingWhitespace), w.isFinite, w > 0 else {
                        throw InputError(file: path, line: lineNumber, field: "weight", reason: .badValue, detail: "expected a positive number")
                    }
                    set.weightBySession[s] = w
                }
                set.intentBySession[s] = i
            } catch let e as InputError {
                try handle(e)
            }
            return true
        }
        if format == .csv && !headerSeen { throw InputError(file: path, reason: .emptyFile, detail: "the labels file has no header") }
        return set
    }
}
