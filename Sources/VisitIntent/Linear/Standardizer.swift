import Foundation
import LinearAlgebra

/// Per-column preprocessing learned on training data for linear models:
/// an optional `log1p` (for heavy-tailed counts and durations), then
/// `(v − mean) / scale` with the population standard deviation as scale.
/// A constant column gets scale 1, so it becomes all zeros and its
/// coefficient stays at zero under any penalty. Missing values (NaN) are left
/// out of the fit and standardise to 0, the column's mean.
public struct Standardizer: Codable, Sendable, Equatable {
    public var transforms: [FeatureColumn.Transform]
    public var means: [Double]
    public var scales: [Double]

    public init(transforms: [FeatureColumn.Transform], means: [Double], scales: [Double]) {
        self.transforms = transforms
        self.means = means
        self.scales = scales
    }

    @inline(__always)
    public static func signedLog1p(_ v: Float) -> Float {
        smallLog1p.withUnsafeBufferPointer { signedLog1p(v, small: $0) }
    }

    /// Counts are small whole numbers: their logarithms are looked up in
    /// `small` (`smallLog1p`: the values `log1p` gives, computed once), which
    /// halves standardising a row.
    @inline(__always) static func signedLog1p(_ v: Float, small: UnsafeBufferPointer<Float>) -> Float {
        if v == 0 { return 0 }
        if v > 0, v < Float(small.count), let i = Int(exactly: v) { return small[i] }
        return v > 0 ? Foundation.log1p(v) : -Foundation.log1p(-v)
    }

    static let smallLog1p: [Float] = (0..<256).map { Foundation.log1p(Float($0)) }

    /// Fits means and scales on `x` (after the transforms), in Double.
    public static func fit(_ x: Matrix<Float>, transforms: [FeatureColumn.Transform]) -> Standardizer {
        let n = x.rows, d = x.columns
        var sum = [Double](repeating: 0, count: d)
        var sumSq = [Double](repeating: 0, count: d)
        var count = [Int](repeating: 0, count: d)
        // Two passes (mean, then centred squares) for accuracy.
        for r in 0..<n {
            for j in 0..<d {
                let v = transforms[j] == .log1p ? signedLog1p(x.storage[r * d + j]) : x.storage[r * d + j]
                if v.isNaN { continue }
                sum[j] += Double(v)
                count[j] += 1
            }
        }
        let means = (0..<d).map { count[$0] > 0 ? sum[$0] / Double(count[$0]) : 0 }
        for r in 0..<n {
            for j in 0..<d {
                let v = transforms[j] == .log1p ? signedLog1p(x.storage[r * d + j]) : x.storage[r * d + j]
                if v.isNaN { continue }
                let c = Double(v) - means[j]
                sumSq[j] += c * c
            }
        }
        let scales = (0..<d).map { j -> Double in
            let sd = count[j] > 0 ? (sumSq[j] / Double(count[j])).squareRoot() : 0
            return sd > 1e-12 ? sd : 1
        }
        return Standardizer(transforms: transforms, means: means, scales: scales)
    }

    /// The standardised copy of rows `range` of `x`, into `out` (row-major, same width).
    @inline(__always)
    public func apply(_ x: UnsafeBufferPointer<Float>, rows: Range<Int>, columns d: Int, into out: UnsafeMutablePointer<Float>) {
        // Per column, read once: the enum compare and three bounds-checked reads per
        // value were half of the linear model's scoring time. Same arithmetic.
        let log1p = transforms.map { $0 == .log1p }
        let small = Self.smallLog1p
        small.withUnsafeBufferPointer { small in
            log1p.withUnsafeBufferPointer { log1p in
                means.withUnsafeBufferPointer { means in
                    scales.withUnsafeBufferPointer { scales in
                        var k = 0
                        for r in rows {
                            let row = x.baseAddress! + r * d
                            for j in 0..<d {
                                var v = row[j]
                                if log1p[j] { v = Standardizer.signedLog1p(v, small: small) }
                                out[k] = v.isNaN ? 0 : Float((Double(v) - means[j]) / scales[j])
                                k += 1
                            }
                        }
                    }
                }
            }
        }
    }

    /// A standardised copy of the whole matrix.
    public func apply(_ x: Matrix<Float>) -> Matrix<Float> {
        var out = Matrix<Float>(rows: x.rows, columns: x.columns)
        x.storage.withUnsafeBufferPointer { src in
            out.storage.withUnsafeMutableBufferPointer { dst in
                apply(src, rows: 0..<x.rows, columns: x.columns, into: dst.baseAddress!)
            }
        }
        return out
    }
}
