/// Splits one CSV line (RFC 4180: comma-separated, fields optionally in
/// double quotes, `""` for a quote inside) into UTF-8-checked fields.
///
/// Records spanning several lines (a newline inside quotes) are not
/// supported: analytics exports do not produce them, and refusing them keeps
/// the reader streaming line by line. Such a line is reported as malformed.
public enum CSVParser {
    public struct Failure: Error {
        public var reason: InputError.Reason
        public var detail: String
    }

    /// The delimiter of a header line: comma, semicolon (French spreadsheets) or tab, whichever occurs most outside quotes.
    public static func sniffDelimiter(_ line: UnsafeBufferPointer<UInt8>) -> UInt8 {
        var counts: [UInt8: Int] = [UInt8(ascii: ","): 0, UInt8(ascii: ";"): 0, 0x09: 0]
        var quoted = false
        for b in line {
            if b == UInt8(ascii: "\"") { quoted.toggle() } else if !quoted, counts[b] != nil { counts[b]! += 1 }
        }
        let best = counts.max { ($0.value, $1.key) < ($1.value, $0.key) }!
        return best.value > 0 ? best.key : UInt8(ascii: ",")
    }

    public static func split(_ line: UnsafeBufferPointer<UInt8>, delimiter: UInt8 = UInt8(ascii: ",")) throws -> [String] {
        var fields: [String] = []
        var i = 0
        let n = line.count
        func decode(_ bytes: UnsafeBufferPointer<UInt8>, column: Int) throws -> String {
            guard let s = String(validating: bytes, as: UTF8.self) else {
                throw Failure(reason: .invalidUTF8, detail: "field \(column) is not valid UTF-8")
            }
            return s
        }
        while true {
            if i < n, line[i] == UInt8(ascii: "\"") {
                i += 1
                var bytes: [UInt8] = []
                var closed = false
                while i < n {
                    if line[i] == UInt8(ascii: "\"") {
                        if i + 1 < n, line[i + 1] == UInt8(ascii: "\"") { bytes.append(0x22); i += 2; continue }
                        i += 1
                        closed = true
                        break
                    }
                    bytes.append(line[i])
                    i += 1
                }
                guard closed else { throw Failure(reason: .badValue, detail: "unterminated quoted field \(fields.count + 1)") }
                let s = try bytes.withUnsafeBufferPointer { try decode($0, column: fields.count + 1) }
                fields.append(s)
                if i < n, line[i] != delimiter { throw Failure(reason: .badValue, detail: "text after a closing quote in field \(fields.count)") }
            } else {
                let start = i
                while i < n, line[i] != delimiter { i += 1 }
                fields.append(try decode(UnsafeBufferPointer(rebasing: line[start..<i]), column: fields.count + 1))
            }
            if i >= n { break }
            i += 1  // delimiter
            if i == n { fields.append(""); break }
        }
        return fields
    }
}
