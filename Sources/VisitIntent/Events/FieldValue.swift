/// A scalar read from one field of a record, before its type is checked.
public enum FieldValue: Equatable, Sendable {
    case string(String)
    /// A JSON number, kept as its text so integers stay exact.
    case number(String)
    case bool(Bool)
    case null
    /// A JSON object or array: never valid for a canonical field.
    case nested
}

extension FieldValue {
    /// A value of an already parsed JSON object (objects and arrays are `.nested`).
    public init(_ value: JSONValue) {
        switch value {
        case .string(let s): self = .string(s)
        case .number(let text): self = .number(text)
        case .bool(let b): self = .bool(b)
        case .null: self = .null
        case .object, .array: self = .nested
        }
    }
}
