/// Bad input, located: which file, which line, which field, and why.
///
/// Every reader throws this (or counts it, under `--skip-invalid`), so a user
/// always learns where to look. The reason never quotes a field's value, which
/// could be a visitor identifier or personal data.
public struct InputError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A short, stable category used to count skipped records.
    public enum Reason: String, Sendable, CaseIterable, Codable {
        case malformedJSON = "malformed JSON"
        case wrongFieldCount = "wrong number of CSV fields"
        case missingField = "missing required field"
        case wrongType = "wrong type"
        case badTimestamp = "unparseable timestamp"
        case badValue = "invalid value"
        case lineTooLong = "line too long"
        case invalidUTF8 = "invalid UTF-8"
        case emptyFile = "empty file"
        case unreadable = "unreadable file"
        case badHeader = "bad header"
    }

    public var file: String
    public var line: Int?
    public var field: String?
    public var reason: Reason
    public var detail: String

    public init(file: String, line: Int? = nil, field: String? = nil, reason: Reason, detail: String = "") {
        self.file = file
        self.line = line
        self.field = field
        self.reason = reason
        self.detail = detail
    }

    public var description: String {
        var location = file
        if let line { location += ":\(line)" }
        var text = "\(location): \(reason.rawValue)"
        if let field { text += " in field '\(field)'" }
        if !detail.isEmpty { text += ": \(detail)" }
        return text
    }
}

/// Counts of records skipped under `--skip-invalid`, by reason, with the
/// first location of each so the user can look at one.
public struct SkipReport: Sendable, Codable, Equatable {
    public private(set) var counts: [String: Int] = [:]
    public private(set) var firstExample: [String: String] = [:]

    public init() {}

    public var total: Int { counts.values.reduce(0, +) }

    public mutating func record(_ error: InputError) {
        counts[error.reason.rawValue, default: 0] += 1
        if firstExample[error.reason.rawValue] == nil { firstExample[error.reason.rawValue] = error.description }
    }

    public mutating func merge(_ other: SkipReport) {
        for (k, v) in other.counts { counts[k, default: 0] += v }
        for (k, v) in other.firstExample where firstExample[k] == nil { firstExample[k] = v }
    }

    /// One line per reason, most frequent first, for a summary on stderr.
    public var lines: [String] {
        counts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { "skipped \($0.value) record(s): \($0.key) (first: \(firstExample[$0.key] ?? "?"))" }
    }
}
