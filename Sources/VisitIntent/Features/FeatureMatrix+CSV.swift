/// Writes a feature matrix as CSV for inspection and for other tools:
/// `session_id,visitor,<one column per feature>[,intent]`.
extension FeatureMatrix {
    public func writeCSV(path: String, labels: [String?]? = nil, progress: Progress? = nil) throws {
        try AtomicFile.write(path: path) { out in
            try out.write(Self.csvHeader(columns: columns, labelled: labels != nil))
            var bytes: [UInt8] = []
            bytes.reserveCapacity(1 << 20)
            for r in 0..<rows {
                appendCSVRow(r, labelled: labels != nil, label: labels?[r] ?? nil, to: &bytes)
                if bytes.count > 1 << 20 {
                    try out.write(bytes)
                    bytes.removeAll(keepingCapacity: true)
                    progress?.update(Double(r) / Double(max(rows, 1)))
                }
            }
            try out.write(bytes)
        }
        progress?.finish()
    }

    /// `session_id,visitor,<columns>[,intent]` and a newline.
    static func csvHeader(columns: [String], labelled: Bool) -> String {
        "session_id,visitor," + columns.map(CSVText.quote).joined(separator: ",") + (labelled ? ",intent" : "") + "\n"
    }

    /// Row `r` as CSV, with an intent column when `labelled` (empty for a nil `label`).
    func appendCSVRow(_ r: Int, labelled: Bool, label: String?, to bytes: inout [UInt8]) {
        let c = values.columns
        bytes.append(contentsOf: CSVText.quote(sessionIDs[r]).utf8)
        bytes.append(UInt8(ascii: ","))
        bytes.append(contentsOf: visitorIDs[r].utf8)
        for j in 0..<c {
            bytes.append(UInt8(ascii: ","))
            CSVText.appendNumber(values.storage[r * c + j], to: &bytes)
        }
        if labelled {
            bytes.append(UInt8(ascii: ","))
            if let label { bytes.append(contentsOf: CSVText.quote(label).utf8) }
        }
        bytes.append(UInt8(ascii: "\n"))
    }
}

/// CSV text helpers shared by every CSV writer.
public enum CSVText {
    /// Quotes a field when it contains a delimiter, quote or newline.
    public static func quote(_ s: String) -> String {
        // On the bytes: a scan by `Character` cost a tenth of writing scores.
        var bytes = s
        if !bytes.withUTF8(isPlain) {
            return "\"" + s.replacingAll("\"", with: "\"\"") + "\""
        }
        return s
    }

    /// Appends `s` as one CSV field, quoted as `quote` quotes it; a field that
    /// needs no quotes (a pseudonym) goes in as its bytes, with no new `String`.
    public static func append(_ s: String, to bytes: inout [UInt8]) {
        var s = s
        let plain = s.withUTF8 { u -> Bool in
            guard isPlain(u) else { return false }
            bytes.append(contentsOf: u)
            return true
        }
        if !plain { bytes.append(contentsOf: quote(s).utf8) }
    }

    /// Whether a field goes in as its bytes: none of those `quote` quotes for.
    /// They are all below 64, so each byte is tested against a one-word mask
    /// without a branch (on pseudonyms' hex digits, the five compares per
    /// byte mispredicted: most of writing a score row).
    @inline(__always) public static func isPlain(_ u: UnsafeBufferPointer<UInt8>) -> Bool {
        let special: UInt64 = 1 << 0x0A | 1 << 0x0D | 1 << 0x22 | 1 << 0x2C | 1 << 0x3B
        var hit: UInt64 = 0
        for c in u { hit |= (special &>> UInt64(c)) & (c < 64 ? 1 : 0) }
        return hit == 0
    }

    /// Shortest round-trip text of a float, with a fast path for small integers.
    public static func appendNumber(_ v: Float, to bytes: inout [UInt8]) {
        if v == 0 { bytes.append(UInt8(ascii: "0")); return }
        if v == v.rounded(), abs(v) < 1e7 {
            var n = Int(v)
            if n < 0 { bytes.append(UInt8(ascii: "-")); n = -n }
            var digits: [UInt8] = []
            while n > 0 { digits.append(UInt8(48 + n % 10)); n /= 10 }
            bytes.append(contentsOf: digits.reversed())
            return
        }
        bytes.append(contentsOf: v.description.utf8)
    }
}
