/// A canonical field's key as it appears on a line, quotes and colon included
/// (`"visitor_id":`), held as three masked words so that a line can be checked
/// against it with three compares (`EventLineDecoder` tries the keys that
/// followed the previous one before scanning a key).
struct KeyToken: Sendable {
    /// Bytes that must be readable from a token's start to compare it (its words).
    static let readable = 24
    /// One token per field, by ordinal.
    static let byOrdinal = CanonicalField.allCases.map { KeyToken(field: $0) }
    /// States a successor is remembered for: each field, then these two.
    static let lineStart = CanonicalField.allCases.count
    static let unknownKey = CanonicalField.allCases.count + 1
    static let states = CanonicalField.allCases.count + 2

    let field: CanonicalField
    /// The token's length in bytes: the name's (at most 16) plus three.
    let length: Int
    private let words: (UInt64, UInt64, UInt64)
    private let masks: (UInt64, UInt64, UInt64)

    init(field: CanonicalField) {
        let token = Array("\"\(field.rawValue)\":".utf8)
        precondition(token.count <= Self.readable)
        var w: [UInt64] = [0, 0, 0], m: [UInt64] = [0, 0, 0]
        for (k, c) in token.enumerated() {
            w[k / 8] |= UInt64(c) << (8 * (k % 8))
            m[k / 8] |= 0xFF << (8 * (k % 8))
        }
        self.field = field
        self.length = token.count
        self.words = (w[0], w[1], w[2])
        self.masks = (m[0], m[1], m[2])
    }

    /// Whether the bytes at `p` start with this token; `readable` bytes must be readable there.
    @inline(__always) func matches(_ p: UnsafePointer<UInt8>) -> Bool {
        let r = UnsafeRawPointer(p)
        return r.loadUnaligned(as: UInt64.self) & masks.0 == words.0
            && r.loadUnaligned(fromByteOffset: 8, as: UInt64.self) & masks.1 == words.1
            && r.loadUnaligned(fromByteOffset: 16, as: UInt64.self) & masks.2 == words.2
    }
}
