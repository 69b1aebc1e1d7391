import LinearAlgebra

/// Per-feature histogram bins, learned on training data and saved with the
/// model (Ke et al. 2017, "LightGBM", §2: histogram-based split finding).
///
/// A numeric feature with bounds `b₀ < b₁ < … < b_{k−1}` puts `v` in the
/// first bin `i` with `v ≤ bᵢ`, or in bin `k` above them all; at most
/// `maxBin − 1` bounds, chosen at quantiles of the distinct training values
/// (midpoints between neighbours, so a split threshold never equals a seen
/// value). NaN always goes to its own bin, `FeatureBins.missingBin` (255), whose
/// direction each split learns. A categorical feature's bin is its integer
/// code; codes outside `0..<maxCategories` count as missing.
public struct FeatureBins: Codable, Sendable, Equatable {
    public static let missingBin: UInt8 = 255

    /// Upper bounds per numeric feature (empty for categorical ones).
    public var bounds: [[Float]]
    public var categorical: [Bool]
    public var maxCategories: Int

    enum CodingKeys: String, CodingKey { case bounds, categorical; case maxCategories = "max_categories" }

    public var featureCount: Int { bounds.count }

    /// Number of value bins of feature `j` (the missing bin not counted).
    public func binCount(_ j: Int) -> Int { categorical[j] ? maxCategories : bounds[j].count + 1 }

    @inline(__always)
    public func bin(_ v: Float, feature j: Int) -> UInt8 {
        if v.isNaN { return FeatureBins.missingBin }
        if categorical[j] {
            // `Int(exactly:)`: a huge or fractional value is an unknown category, not a trap.
            guard let code = Int(exactly: v), code >= 0, code < maxCategories else { return FeatureBins.missingBin }
            return UInt8(code)
        }
        return bounds[j].withUnsafeBufferPointer { FeatureBins.searchBin(v, bounds: $0) }
    }

    /// Learns bins from `x` (rows × features). Uses every row up to
    /// `sampleRows`, else an evenly strided sample, so results are deterministic
    /// (features are learned in parallel, each on its own).
    public static func fit(_ x: Matrix<Float>, maxBin: Int, categorical: [Bool], maxCategories: Int, sampleRows: Int = 200_000,
                           threads: Int = 1) -> FeatureBins {
        precondition(maxBin >= 2 && maxBin <= 255, "maxBin must be in 2...255")
        let n = x.rows, d = x.columns
        let stride = max(1, n / max(sampleRows, 1))
        var bounds = [[Float]](repeating: [], count: d)
        bounds.withUnsafeMutableBufferPointer { outBuffer in
            let out = outBuffer
            x.storage.withUnsafeBufferPointer { xs in
                Parallel.forEach(blocks: d, threads: threads) { j in
                    guard !categorical[j] else { return }
                    var values: [Float] = []
                    values.reserveCapacity(n / stride + 1)
                    var r = 0
                    while r < n { let v = xs[r * d + j]; if !v.isNaN { values.append(v) }; r += stride }
                    out[j] = quantileBounds(sorted: values.sorted(), maxBin: maxBin)
                }
            }
        }
        return FeatureBins(bounds: bounds, categorical: categorical, maxCategories: maxCategories)
    }

    /// At most `maxBin − 1` bin bounds for sorted `values`: midpoints between
    /// neighbouring distinct values, at equal-count quantiles when there are
    /// more distinct values than bins.
    static func quantileBounds(sorted values: [Float], maxBin: Int) -> [Float] {
        // Distinct values with counts.
        var distinct: [Float] = [], counts: [Int] = []
        for v in values {
            if let last = distinct.last, last == v { counts[counts.count - 1] += 1 } else { distinct.append(v); counts.append(1) }
        }
        var b: [Float] = []
        if distinct.count <= maxBin {
            for i in 0..<max(0, distinct.count - 1) { b.append(midpoint(distinct[i], distinct[i + 1])) }
        } else {
            let total = values.count
            var cumulative = 0
            var nextCut = 1
            for i in 0..<(distinct.count - 1) {
                cumulative += counts[i]
                if Double(cumulative) >= Double(nextCut) * Double(total) / Double(maxBin) {
                    b.append(midpoint(distinct[i], distinct[i + 1]))
                    while Double(cumulative) >= Double(nextCut) * Double(total) / Double(maxBin) { nextCut += 1 }
                    if b.count == maxBin - 1 { break }
                }
            }
        }
        return b
    }

    static func midpoint(_ a: Float, _ b: Float) -> Float {
        let m = a + (b - a) / 2
        return m < b ? m : a  // adjacent floats: keep the lower value as the bound
    }

    /// Bins every value: one contiguous `UInt8` column per feature. Works on
    /// tiles of 2,048 rows so the row-major input tile stays in cache while
    /// each feature's column segment is written; numeric features use a
    /// branch-free binary search over their bounds (the same bins as `bin`).
    public func apply(_ x: Matrix<Float>, threads: Int) -> BinnedMatrix {
        let n = x.rows, d = x.columns
        var columns = [UInt8](repeating: 0, count: n * d)
        let tile = 2048
        columns.withUnsafeMutableBufferPointer { buffer in
            let out = buffer
            x.storage.withUnsafeBufferPointer { xs in
                Parallel.forEach(blocks: (n + tile - 1) / tile, threads: threads) { t in
                    let lo = t * tile, hi = min(n, lo + tile)
                    for j in 0..<d {
                        if categorical[j] {
                            for r in lo..<hi { out[j * n + r] = bin(xs[r * d + j], feature: j) }
                            continue
                        }
                        bounds[j].withUnsafeBufferPointer { b in
                            for r in lo..<hi { out[j * n + r] = FeatureBins.searchBin(xs[r * d + j], bounds: b) }
                        }
                    }
                }
            }
        }
        return BinnedMatrix(rows: n, features: d, columns: columns)
    }

    /// The first `i` with `v ≤ bounds[i]` (or `bounds.count`), NaN to the
    /// missing bin: a binary search whose steps are conditional moves.
    @inline(__always)
    static func searchBin(_ v: Float, bounds b: UnsafeBufferPointer<Float>) -> UInt8 {
        if v.isNaN { return missingBin }
        var base = 0, length = b.count
        if length == 0 { return 0 }
        while length > 1 {
            let half = length >> 1
            base = b[base &+ half] < v ? base &+ half : base
            length &-= half
        }
        return UInt8(base &+ (b[base] < v ? 1 : 0))
    }
}
