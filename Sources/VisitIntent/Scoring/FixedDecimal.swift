import Foundation

/// `%.6f` text of a number without `String(format:)`, which cost 5% of a
/// batch-scoring run (three probabilities per session). The result is the
/// same bytes as `String(format: "%.6f", v)` (tested against it): values whose
/// scaled fraction lies too near a rounding tie, and large or non-finite
/// values, go to `String(format:)` itself.
public enum FixedDecimal {
    public static func appendSixDigits(_ v: Double, to out: inout [UInt8]) {
        let magnitude = abs(v)
        guard magnitude < 1e3 else { out.append(contentsOf: String(format: "%.6f", v).utf8); return }
        let scaled = magnitude * 1e6          // < 1e9: the product's error is below 1e-7
        let r = scaled.rounded(.toNearestOrEven)
        guard abs(abs(scaled - r) - 0.5) > 1e-6 else { out.append(contentsOf: String(format: "%.6f", v).utf8); return }
        if v.sign == .minus { out.append(UInt8(ascii: "-")) }
        let n = Int(r), whole = n / 1_000_000
        var fraction = n % 1_000_000
        appendInteger(whole, to: &out)
        out.append(UInt8(ascii: "."))
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &digits) { d in
            for k in stride(from: 5, through: 0, by: -1) { d[k] = UInt8(48 + fraction % 10); fraction /= 10 }
            out.append(contentsOf: d)
        }
    }

    public static func sixDigits(_ v: Double) -> String {
        var out: [UInt8] = []
        appendSixDigits(v, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Decimal digits of a non-negative integer.
    static func appendInteger(_ n: Int, to out: inout [UInt8]) {
        if n < 10 { out.append(UInt8(48 + n)); return }
        var n = n, digits: [UInt8] = []
        while n > 0 { digits.append(UInt8(48 + n % 10)); n /= 10 }
        out.append(contentsOf: digits.reversed())
    }
}
