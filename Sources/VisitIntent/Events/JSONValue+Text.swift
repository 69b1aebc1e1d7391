extension JSONValue {
    /// Compact JSON text of the value: what `JSONLineParser.parseTree` reads
    /// back to an equal value. The service turns the events of a request into
    /// JSON Lines with it, without a round trip through Foundation's objects.
    public var jsonText: String {
        var out = ""
        write(to: &out)
        return out
    }

    public func write(to out: inout String) {
        switch self {
        case .object(let members):
            out += "{"
            for (k, (key, value)) in members.enumerated() {
                if k > 0 { out += "," }
                out += JSONText.quote(key)
                out += ":"
                value.write(to: &out)
            }
            out += "}"
        case .array(let items):
            out += "["
            for (k, item) in items.enumerated() {
                if k > 0 { out += "," }
                item.write(to: &out)
            }
            out += "]"
        case .string(let s): out += JSONText.quote(s)
        case .number(let text): out += text
        case .bool(let b): out += b ? "true" : "false"
        case .null: out += "null"
        }
    }

    /// A number as JSON writes it: integral values without a fraction, others
    /// in Swift's shortest round-trip form; non-finite ones as the strings
    /// `JSONText.encoder` uses ("nan", "inf", "-inf").
    public init<F: BinaryFloatingPoint & LosslessStringConvertible>(number v: F) {
        if v.isNaN { self = .string("nan"); return }
        if v.isInfinite { self = .string(v < 0 ? "-inf" : "inf"); return }
        if v == v.rounded(), abs(v) < 9e15 { self = .number(String(Int64(v))); return }
        self = .number(v.description)
    }

    /// The value as a number: JSON numbers only (not strings, not booleans).
    public var number: Double? {
        if case .number(let text) = self { return Double(text) }
        return nil
    }
}
