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

    /// The same error `offset` lines further down its file (nothing changes without a line).
    public func shiftingLine(by offset: Int) -> InputError {
        var moved = self
        moved.line = line.map { $0 + offset }
        return moved
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
