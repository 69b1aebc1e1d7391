/// Known intents of sessions, read from a labels file (`session_id,intent`
/// as CSV with a header, or JSON Lines with those keys), with an optional
/// `weight` per session (a positive number) used as a sample weight, and an
/// optional `events_before` (the label came from an outcome event: features
/// see only the session's events before it, so the model predicts intent
/// before it shows).
public struct LabelSet: Sendable {
    public private(set) var intentBySession: [String: String] = [:]
    public private(set) var weightBySession: [String: Double] = [:]
    public private(set) var eventsBeforeBySession: [String: Int] = [:]

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
            if let k = eventsBeforeBySession[id] { out.eventsBeforeBySession[key] = k; out.eventsBeforeBySession[id] = k }
        }
        out.distinctCount = count
        return out
    }

    /// Per session (by id, in table order), how many first events features may
    /// see; nil when no label carries a cut.
    public func eventLimits(for sessionIDs: [String]) -> [Int]? {
        if eventsBeforeBySession.isEmpty { return nil }
        return sessionIDs.map { eventsBeforeBySession[$0] ?? Int.max }
    }

    /// Labels an outcome rule derived (see `OutcomeLabeler`).
    public mutating func set(_ intent: String, for session: String, eventsBefore: Int? = nil) {
        intentBySession[session] = intent
        eventsBeforeBySession[session] = eventsBefore
    }

    /// Distinct labels before pseudonymisation added a second key per session.
    var distinctCount: Int?
    public var labelCount: Int { distinctCount ?? count }

    /// Reads a labels file. Extra columns are ignored; a session labelled
    /// twice with different intents is an error.
    public static func read(path: String, skipInvalid: Bool = false, skipped: inout SkipReport) throws -> LabelSet {
        var set = LabelSet()
        let format = EventReader.detectFormat(path: path)
        var sessionColumn = -1, intentColumn = -1, weightColumn = -1, cutColumn = -1
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
            var session: String? = nil, intent: String? = nil, weight: String? = nil, cut: String? = nil
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
                        cutColumn = names.firstIndex(of: "events_before") ?? -1
                        headerSeen = true
                        return true
                    }
                    guard cells.count == columnCount else {
                        throw InputError(file: path, line: lineNumber, reason: .wrongFieldCount, detail: "\(cells.count) fields, the header has \(columnCount)")
                    }
                    session = cells[sessionColumn]; intent = cells[intentColumn]
                    if weightColumn >= 0, !cells[weightColumn].isEmpty { weight = cells[weightColumn] }
                    if cutColumn >= 0, !cells[cutColumn].isEmpty { cut = cells[cutColumn] }
                case .jsonl, .ga4:
                    do {
                        try JSONLineParser.parse(bytes) { key, value in
                            switch (key, value) {
                            case ("session_id", .string(let s)), ("session_id", .number(let s)): session = s
                            case ("intent", .string(let s)), ("intent", .number(let s)): intent = s
                            case ("weight", .number(let s)): weight = s
                            case ("weight", .null), ("events_before", .null): break
                            case ("events_before", .number(let s)): cut = s
                            case ("events_before", _):
                                throw InputError(file: path, line: lineNumber, field: key, reason: .wrongType, detail: "expected an integer")
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
                if let cut {
                    guard let k = Int(cut.trimmingWhitespace), k >= 0 else {
                        throw InputError(file: path, line: lineNumber, field: "events_before", reason: .badValue, detail: "expected a non-negative integer")
                    }
                    set.eventsBeforeBySession[s] = k
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
