/// Parses one JSON Lines record — a flat object — into `(key, FieldValue)`
/// pairs, straight from UTF-8 bytes.
///
/// Hand-written because it is the hot path of every verb: Foundation's
/// `JSONSerialization` boxes every value and was several times slower on our
/// event files. Nested objects and arrays are validated and skipped (the
/// canonical format has none; unknown fields are ignored). Strings are
/// checked as UTF-8 and unescaped, surrogate pairs included.
public struct JSONLineParser {
    public struct Failure: Error {
        public var reason: InputError.Reason
        public var detail: String
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private var i = 0

    private init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// Parses `line` into a tree, nested objects and arrays included.
    public static func parseTree(_ line: UnsafeBufferPointer<UInt8>) throws -> JSONValue {
        var p = JSONLineParser(line)
        p.skipSpace()
        guard p.i < p.bytes.count else { throw p.fail("empty line") }
        guard p.bytes[p.i] == UInt8(ascii: "{") else { throw p.fail("a record must be a JSON object") }
        let value = try p.parseTreeValue(depth: 0)
        p.skipSpace()
        guard p.i == p.bytes.count else { throw p.fail("trailing characters after the object") }
        return value
    }

    /// Parses `line`; calls `field` for each top-level key in order.
    public static func parse(_ line: UnsafeBufferPointer<UInt8>, field: (String, FieldValue) throws -> Void) throws {
        var p = JSONLineParser(line)
        try p.parseObject(key: { try $0.parseString() }, field)
    }

    /// Parses an event line; calls `field` for each canonical key in order
    /// (other keys are checked and skipped). Keys are matched on their bytes:
    /// a `String` and a dictionary lookup per key were a tenth of reading.
    public static func parseCanonical(_ line: UnsafeBufferPointer<UInt8>, field: (CanonicalField, FieldValue) throws -> Void) throws {
        var p = JSONLineParser(line)
        try p.parseObject(key: { try $0.parseCanonicalKey() }, field)
    }

    /// The canonical field named by the key at `i` (an opening quote), or nil.
    private mutating func parseCanonicalKey() throws -> CanonicalField? {
        var j = i + 1
        while j < bytes.count, bytes[j] != UInt8(ascii: "\""), bytes[j] != UInt8(ascii: "\\"), bytes[j] >= 0x20, bytes[j] < 0x80 { j += 1 }
        guard j < bytes.count, bytes[j] == UInt8(ascii: "\"") else {  // escapes, non-ASCII, control bytes, no end: the full path
            return CanonicalField.byName[try parseString()]
        }
        let field = CanonicalField.named(UnsafeBufferPointer(rebasing: bytes[(i + 1)..<j]))
        i = j + 1
        return field
    }

    private func fail(_ detail: String, _ reason: InputError.Reason = .malformedJSON) -> Failure {
        Failure(reason: reason, detail: "\(detail) at column \(i + 1)")
    }

    private mutating func skipSpace() {
        while i < bytes.count {
            let c = bytes[i]
            if c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D { i += 1 } else { break }
        }
    }

    private mutating func expect(_ c: UInt8) throws {
        skipSpace()
        guard i < bytes.count, bytes[i] == c else { throw fail("expected '\(Character(Unicode.Scalar(c)))'") }
        i += 1
    }

    private mutating func parseObject<Key>(key: (inout JSONLineParser) throws -> Key?, _ field: (Key, FieldValue) throws -> Void) throws {
        skipSpace()
        guard i < bytes.count else { throw fail("empty line") }
        guard bytes[i] == UInt8(ascii: "{") else { throw fail("a record must be a JSON object") }
        i += 1
        skipSpace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "}") {
            i += 1
        } else {
            while true {
                skipSpace()
                guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw fail("expected a key") }
                let name = try key(&self)
                try expect(UInt8(ascii: ":"))
                let value = try parseValue(depth: 0)
                if let name { try field(name, value) }
                skipSpace()
                guard i < bytes.count else { throw fail("unterminated object") }
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                if bytes[i] == UInt8(ascii: "}") { i += 1; break }
                throw fail("expected ',' or '}'")
            }
        }
        skipSpace()
        guard i == bytes.count else { throw fail("trailing characters after the object") }
    }

    private mutating func parseValue(depth: Int) throws -> FieldValue {
        skipSpace()
        guard i < bytes.count else { throw fail("expected a value") }
        switch bytes[i] {
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            try skipNested(depth: depth + 1)
            return .nested
        default: return .number(try parseNumber())
        }
    }

    private mutating func literal(_ word: StaticString) throws {
        let n = word.utf8CodeUnitCount
        guard i + n <= bytes.count else { throw fail("invalid literal") }
        let w = word.utf8Start
        for k in 0..<n where bytes[i + k] != w[k] { throw fail("invalid literal") }
        i += n
    }

    private mutating func parseNumber() throws -> String {
        let start = i
        if i < bytes.count, bytes[i] == UInt8(ascii: "-") { i += 1 }
        let intStart = i
        while i < bytes.count, bytes[i] >= 48, bytes[i] <= 57 { i += 1 }
        guard i > intStart else { throw fail("invalid value") }
        if bytes[intStart] == 48, i - intStart > 1 { throw fail("leading zero in a number") }
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            i += 1
            let f = i
            while i < bytes.count, bytes[i] >= 48, bytes[i] <= 57 { i += 1 }
            guard i > f else { throw fail("invalid number") }
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            i += 1
            if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            let e = i
            while i < bytes.count, bytes[i] >= 48, bytes[i] <= 57 { i += 1 }
            guard i > e else { throw fail("invalid number") }
        }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
    }

    private mutating func hex4() throws -> UInt32 {
        guard i + 4 <= bytes.count else { throw fail("truncated \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[i]
            let d: UInt32
            switch c {
            case 48...57: d = UInt32(c - 48)
            case 65...70: d = UInt32(c - 55)
            case 97...102: d = UInt32(c - 87)
            default: throw fail("invalid \\u escape")
            }
            v = v * 16 + d
            i += 1
        }
        return v
    }

    private mutating func parseString() throws -> String {
        i += 1  // opening quote
        let start = i
        var plain = true
        var hasHigh = false
        while i < bytes.count {
            let c = bytes[i]
            if c == UInt8(ascii: "\"") { break }
            if c == UInt8(ascii: "\\") { plain = false; i += 2; continue }
            if c < 0x20 { throw fail("control character in a string") }
            if c >= 0x80 { hasHigh = true }
            i += 1
        }
        guard i < bytes.count else { throw fail("unterminated string") }
        let raw = UnsafeBufferPointer(rebasing: bytes[start..<i])
        i += 1  // closing quote
        if plain {
            if hasHigh {
                guard let s = String(validating: raw, as: UTF8.self) else { throw fail("string is not valid UTF-8", .invalidUTF8) }
                return s
            }
            return String(decoding: raw, as: UTF8.self)
        }
        // Unescape into a byte buffer, then validate once.
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var j = start
        let end = start + raw.count
        let saved = i
        defer { i = saved }
        while j < end {
            let c = bytes[j]
            if c != UInt8(ascii: "\\") { out.append(c); j += 1; continue }
            j += 1
            guard j < end else { i = j; throw fail("bad escape") }
            let e = bytes[j]
            j += 1
            if let byte = Self.simpleEscape(e) { out.append(byte); continue }
            switch e {
            case UInt8(ascii: "u"):
                i = j
                var scalar = try hex4()
                if (0xD800...0xDBFF).contains(scalar) {
                    guard i + 6 <= end, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") else { throw fail("unpaired surrogate", .invalidUTF8) }
                    i += 2
                    let low = try hex4()
                    guard (0xDC00...0xDFFF).contains(low) else { throw fail("unpaired surrogate", .invalidUTF8) }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00...0xDFFF).contains(scalar) {
                    throw fail("unpaired surrogate", .invalidUTF8)
                }
                j = i
                guard let u = Unicode.Scalar(scalar) else { throw fail("invalid code point", .invalidUTF8) }
                out.append(contentsOf: Array(String(Character(u)).utf8))
            default:
                i = j
                throw fail("bad escape")
            }
        }
        guard let s = String(validating: out, as: UTF8.self) else { throw fail("string is not valid UTF-8", .invalidUTF8) }
        return s
    }

    /// The byte a one-letter escape (`\n`, `\"`, …) stands for; nil for `\u` and invalid escapes.
    static func simpleEscape(_ e: UInt8) -> UInt8? {
        switch e {
        case UInt8(ascii: "\""): 0x22
        case UInt8(ascii: "\\"): 0x5C
        case UInt8(ascii: "/"): 0x2F
        case UInt8(ascii: "b"): 0x08
        case UInt8(ascii: "f"): 0x0C
        case UInt8(ascii: "n"): 0x0A
        case UInt8(ascii: "r"): 0x0D
        case UInt8(ascii: "t"): 0x09
        default: nil
        }
    }

    private mutating func parseTreeValue(depth: Int) throws -> JSONValue {
        guard depth < 64 else { throw fail("nesting too deep") }
        skipSpace()
        guard i < bytes.count else { throw fail("expected a value") }
        switch bytes[i] {
        case UInt8(ascii: "{"):
            i += 1
            var members: [(String, JSONValue)] = []
            skipSpace()
            if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return .object(members) }
            while true {
                skipSpace()
                guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw fail("expected a key") }
                let key = try parseString()
                try expect(UInt8(ascii: ":"))
                members.append((key, try parseTreeValue(depth: depth + 1)))
                skipSpace()
                guard i < bytes.count else { throw fail("unterminated object") }
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                if bytes[i] == UInt8(ascii: "}") { i += 1; return .object(members) }
                throw fail("expected ',' or '}'")
            }
        case UInt8(ascii: "["):
            i += 1
            var items: [JSONValue] = []
            skipSpace()
            if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
            while true {
                items.append(try parseTreeValue(depth: depth + 1))
                skipSpace()
                guard i < bytes.count else { throw fail("unterminated array") }
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                if bytes[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
                throw fail("expected ',' or ']'")
            }
        default:
            switch try parseValue(depth: depth) {
            case .string(let s): return .string(s)
            case .number(let n): return .number(n)
            case .bool(let b): return .bool(b)
            case .null, .nested: return .null
            }
        }
    }

    private mutating func skipNested(depth: Int) throws {
        guard depth < 64 else { throw fail("nesting too deep") }
        let open = bytes[i]
        let close = open == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
        i += 1
        skipSpace()
        if i < bytes.count, bytes[i] == close { i += 1; return }
        while true {
            if open == UInt8(ascii: "{") {
                skipSpace()
                guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw fail("expected a key") }
                _ = try parseString()
                try expect(UInt8(ascii: ":"))
            }
            _ = try parseValue(depth: depth)
            skipSpace()
            guard i < bytes.count else { throw fail("unterminated value") }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == close { i += 1; return }
            throw fail("expected ',' or a closing bracket")
        }
    }
}
