import CByteScan
import Foundation

/// A linear model's logits with the standardisation folded into the weights,
/// so a row costs one step per non-zero feature instead of a standardised
/// copy of every column: the dense path spent 8% of batch scoring's CPU on
/// `log1p` and divisions, mostly of zeros (a session's features are mostly
/// counts that stay at zero). The non-zero columns come from an SSE bit mask
/// per eight columns: a branch per column mispredicted at every scattered
/// non-zero. (Taking every whole number's `log1p` from the table with no
/// test for zero measured twice as slow.)
///
/// `Σⱼ wⱼ·(t(xⱼ) − μⱼ)/σⱼ + b = b − Σⱼ wⱼμⱼ/σⱼ + Σ_{xⱼ≠0} (wⱼ/σⱼ)·t(xⱼ)`
/// (`t(0) = 0`); a missing value standardises to 0, so it adds back its
/// column's share of the constant. Summed in Double, columns in order: a
/// row's logits never depend on the other rows of its batch.
struct FoldedLogits: Equatable, Sendable {
    let columns: Int
    let logits: Int
    /// `w[c][j] / σⱼ`, by column then logit.
    private let scaled: [Double]
    /// `μⱼ`: a missing value adds `w[c][j]/σⱼ · μⱼ` back.
    private let means: [Double]
    /// `b[c] − Σⱼ w[c][j]·μⱼ/σⱼ`: every feature at zero.
    private let base: [Double]
    private let log1p: [Bool]

    init(weights: [[Double]], intercepts: [Double], standardizer: Standardizer) {
        let m = weights.count, d = standardizer.means.count
        var scaled = [Double](repeating: 0, count: d * m)
        var base = intercepts
        for c in 0..<m {
            for j in 0..<d {
                let s = weights[c][j] / standardizer.scales[j]
                scaled[j * m + c] = s
                base[c] -= s * standardizer.means[j]
            }
        }
        self.columns = d
        self.logits = m
        self.scaled = scaled
        self.means = standardizer.means
        self.base = base
        self.log1p = standardizer.transforms.map { $0 == .log1p }
    }

    /// The logits of rows `rows` of `x` (row-major, `columns` wide) into `z` (`logits` per row).
    func apply(_ x: UnsafeBufferPointer<Float>, rows: Range<Int>, into z: UnsafeMutablePointer<Double>) {
        let d = columns, m = logits
        Standardizer.smallLog1p.withUnsafeBufferPointer { small in
            scaled.withUnsafeBufferPointer { scaled in
                means.withUnsafeBufferPointer { means in
                    log1p.withUnsafeBufferPointer { log1p in
                        var out = z
                        for r in rows {
                            let row = x.baseAddress! + r * d
                            for c in 0..<m { out[c] = base[c] }
                            // The non-zero columns of each run of eight, from a bit mask, in order.
                            var j = 0
                            while j < d {
                                var bits: UInt32 = 0
                                if j + 8 <= d {
                                    bits = cbytescan_nonzero_floats8(row + j)
                                } else {
                                    for k in 0..<(d - j) where row[j + k] != 0 { bits |= 1 << UInt32(k) }
                                }
                                while bits != 0 {
                                    let col = j + bits.trailingZeroBitCount
                                    bits &= bits - 1
                                    let v = row[col]
                                    if v.isNaN {
                                        for c in 0..<m { out[c] += scaled[col * m + c] * means[col] }
                                        continue
                                    }
                                    let t = Double(log1p[col] ? Standardizer.signedLog1p(v, small: small) : v)
                                    for c in 0..<m { out[c] += scaled[col * m + c] * t }
                                }
                                j += 8
                            }
                            out += m
                        }
                    }
                }
            }
        }
    }
}
