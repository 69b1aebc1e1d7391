/// One record of the event file after type checks: values are typed, absent
/// optional fields are `nil`.
public struct RawEvent: Sendable, Equatable {
    public var visitorId: String?
    public var timestamp: Timestamp?
    public var event: String?
    public var url: String?
    public var sessionId: String?
    public var referrer: String?
    public var title: String?
    public var device: Device?
    public var source: String?
    public var medium: String?
    public var campaign: String?
    public var country: String?
    public var region: String?
    public var city: String?
    public var gender: String?
    public var ageBand: String?
    public var consent: Bool?
    public var engagementMs: Int64?
    public var scrollPct: Double?
    public var searchTerm: String?

    public init() {}

    /// Type-checks `value` and stores it; throws naming the field. `csv`
    /// relaxes types the way CSV must (every cell is text).
    mutating func assign(_ field: CanonicalField, _ value: FieldValue, csv: Bool, at location: (String, Int)) throws {
        func fail(_ reason: InputError.Reason, _ detail: String) -> InputError {
            InputError(file: location.0, line: location.1, field: field.rawValue, reason: reason, detail: detail)
        }
        func text() throws -> String? {
            switch value {
            case .string(let s): return s
            case .null: return nil
            case .number(let n) where csv: return n
            default: throw fail(.wrongType, "expected a string")
            }
        }
        func numericText() throws -> String? {
            switch value {
            case .number(let n): return n
            case .string(let s) where csv: return s.isEmpty ? nil : s
            case .null: return nil
            default: throw fail(.wrongType, "expected a number")
            }
        }
        switch field {
        case .visitorId:
            if case .number(let n) = value { visitorId = n; return }  // UA client ids often arrive as numbers
            guard let s = try text(), !s.isEmpty else { if value == .null { return }; throw fail(.missingField, "empty visitor id") }
            visitorId = s
        case .timestamp:
            switch value {
            case .string(let s):
                if s.isEmpty && csv { return }
                guard let t = Timestamp.parse(s.utf8) else {
                    let digits = s.allSatisfy(\.isNumber) ? s.count : 0
                    let hint = digits > 0 && digits <= 10 ? " (this looks like seconds)" : digits >= 15 ? " (this looks like microseconds)" : ""
                    throw fail(.badTimestamp, "expected RFC 3339 with an offset, or epoch milliseconds between 2000 and 2100\(hint)")
                }
                timestamp = t
            case .number(let n):
                guard let t = Timestamp.parse(n.utf8) else {
                    let digits = n.filter(\.isNumber).count
                    let hint = digits <= 10 ? " (this looks like seconds)" : digits >= 15 ? " (this looks like microseconds)" : ""
                    throw fail(.badTimestamp, "expected integer epoch milliseconds between 2000 and 2100\(hint)")
                }
                timestamp = t
            case .null: return
            default: throw fail(.wrongType, "expected a string or an integer")
            }
        case .event: event = try text()
        case .url: url = try text()
        case .sessionId:
            switch value {
            case .number(let n): sessionId = n   // GA-style numeric session ids are common
            default: sessionId = try text()
            }
            if sessionId == "" { sessionId = nil }
        case .referrer: referrer = try text()
        case .title: title = try text()
        case .device:
            guard let s = try text() else { return }
            guard let d = Device(name: s) else { throw fail(.badValue, "device must be desktop, mobile or tablet") }
            device = d
        case .source: source = try text()
        case .medium: medium = try text()
        case .campaign: campaign = try text()
        case .country: country = try text()
        case .region: region = try text()
        case .city: city = try text()
        case .gender: gender = try text()
        case .ageBand: ageBand = try text()
        case .searchTerm: searchTerm = try text()
        case .consent:
            switch value {
            case .bool(let b): consent = b
            case .null: return
            case .string(let s) where csv:
                switch s.lowercased() {
                case "true", "1", "yes": consent = true
                case "false", "0", "no": consent = false
                case "": return
                default: throw fail(.badValue, "expected true or false")
                }
            default: throw fail(.wrongType, "expected a boolean")
            }
        case .engagementMs:
            guard let n = try numericText() else { return }
            guard let v = Int64(n) ?? Double(n).flatMap({ $0 == $0.rounded() && abs($0) < 1e15 ? Int64($0) : nil }), v >= 0 else {
                throw fail(.badValue, "expected a non-negative integer")
            }
            engagementMs = v
        case .scrollPct:
            guard let n = try numericText() else { return }
            guard let v = Double(n), v.isFinite, v >= 0, v <= 100 else { throw fail(.badValue, "expected a number from 0 to 100") }
            scrollPct = v
        }
    }

    /// Checks the required fields once a record is complete.
    func validate(at location: (String, Int)) throws {
        func missing(_ f: CanonicalField) -> InputError {
            InputError(file: location.0, line: location.1, field: f.rawValue, reason: .missingField)
        }
        guard visitorId != nil else { throw missing(.visitorId) }
        guard timestamp != nil else { throw missing(.timestamp) }
        guard let event, !event.isEmpty else { throw missing(.event) }
        if event == "page_view", url == nil || url!.isEmpty { throw missing(.url) }
    }
}
