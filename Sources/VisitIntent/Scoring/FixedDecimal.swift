import Foundation

/// `%.6f` text of a number without `String(format:)`, which cost 5% of a
/// batch-scoring run (three probabilities per session). The result is the
/// same bytes as `String(format: "%.6f", v)` (tested against it): values whose
/// scaled fraction lies too near a rounding tie, and large or non-finite
/// values, go to `String(format:)` itself.
public enum FixedDecimal {
    public static func appendSixDigits(_ v: Double, to out: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: maxWritten) { tmp in
            if let n = write(v, to: tmp.baseAddress!) {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: tmp[0..<n]))
            } else {
                out.append(contentsOf: String(format: "%.6f", v).utf8)
            }
        }
    }

    /// Bytes `write` may use.
    public static let maxWritten = 12

    /// Writes the text at `p` and returns its length; nil (nothing written that
    /// counts) for the values left to `String(format:)`: at least 1000 in
    /// magnitude, non-finite, or too near a rounding tie.
    @inline(__always) public static func write(_ v: Double, to p: UnsafeMutablePointer<UInt8>) -> Int? {
        let magnitude = abs(v)
        guard magnitude < 1e3 else { return nil }
        let scaled = magnitude * 1e6          // < 1e9: the product's error is below 1e-7
        let r = scaled.rounded(.toNearestOrEven)
        guard abs(abs(scaled - r) - 0.5) > 1e-6 else { return nil }
        var k = 0
        if v.sign == .minus { p[0] = UInt8(ascii: "-"); k = 1 }
        let n = Int(r)
        var whole = n / 1_000_000, fraction = n % 1_000_000
        // The whole part (0…1000), most significant digit first.
        let wholeDigits = whole >= 1000 ? 4 : whole >= 100 ? 3 : whole >= 10 ? 2 : 1  // 1000 when rounding carries
        for d in stride(from: wholeDigits - 1, through: 0, by: -1) { p[k + d] = UInt8(48 + whole % 10); whole /= 10 }
        k += wholeDigits
        p[k] = UInt8(ascii: ".")
        for d in stride(from: 6, through: 1, by: -1) { p[k + d] = UInt8(48 + fraction % 10); fraction /= 10 }
        return k + 7
    }

    public static func sixDigits(_ v: Double) -> String {
        var out: [UInt8] = []
        appendSixDigits(v, to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}
