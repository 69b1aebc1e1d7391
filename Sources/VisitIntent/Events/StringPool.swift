/// Interns strings to dense `Int32` codes so that events hold integers, not
/// boxed strings: one dictionary lookup per distinct field value on read,
/// none afterwards.
public struct StringPool: Sendable {
    public private(set) var strings: [String] = [""]
    private var codes: [String: Int32] = ["": 0]

    public init() {}

    /// Code 0 is the empty string, which stands for "absent".
    public static let empty: Int32 = 0

    public mutating func intern(_ string: String) -> Int32 {
        if let code = codes[string] { return code }
        let code = Int32(strings.count)
        strings.append(string)
        codes[string] = code
        return code
    }

    /// The code of `string` if it was interned.
    public func code(of string: String) -> Int32? { codes[string] }

    public subscript(code: Int32) -> String { strings[Int(code)] }
}
