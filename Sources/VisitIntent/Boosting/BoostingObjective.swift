import Foundation

/// A loss for gradient boosting: it gives the starting raw scores, the
/// gradient and Hessian of each row's loss with respect to one raw-score
/// column, and turns raw scores into probabilities. A new objective is one
/// new conforming type.
public protocol BoostingObjective: Sendable {
    /// Raw-score columns (trees per round): 1 for binary, K for K classes.
    var outputs: Int { get }
    /// Raw scores before any tree, from the weighted class frequencies.
    func initialScores(y: [Int32], weights: [Double]?) -> [Double]
    /// Writes `g[r]`, `h[r]` of column `column` for each row `r` in `rows`
    /// (times its weight); the trainer hands disjoint row ranges to threads.
    func gradients(scores: UnsafePointer<Double>, y: UnsafePointer<Int32>, weights: UnsafePointer<Double>?, column: Int,
                   rows: Range<Int>, g: UnsafeMutablePointer<Float>, h: UnsafeMutablePointer<Float>)
    /// Probabilities (`classCount` values) from one row's raw scores.
    func probabilities(_ raw: UnsafePointer<Double>, into p: UnsafeMutablePointer<Double>)
}

/// Binary log loss: `ℓ = log(1 + e^z) − y·z`, `g = σ(z) − y`, `h = σ(z)(1 − σ(z))`.
public struct BinaryLogLoss: BoostingObjective {
    public init() {}
    public var outputs: Int { 1 }

    public func initialScores(y: [Int32], weights: [Double]?) -> [Double] {
        var positive = 0.0, total = 0.0
        for (r, c) in y.enumerated() { let w = weights?[r] ?? 1; total += w; if c == 1 { positive += w } }
        let p = min(max(positive / max(total, 1e-300), 1e-12), 1 - 1e-12)
        return [log(p / (1 - p))]
    }

    public func gradients(scores: UnsafePointer<Double>, y: UnsafePointer<Int32>, weights: UnsafePointer<Double>?, column: Int,
                          rows: Range<Int>, g: UnsafeMutablePointer<Float>, h: UnsafeMutablePointer<Float>) {
        for r in rows {
            let p = 1 / (1 + exp(-scores[r]))
            let w = weights?[r] ?? 1
            g[r] = Float(w * (p - (y[r] == 1 ? 1 : 0)))
            h[r] = Float(max(w * p * (1 - p), 1e-16))
        }
    }

    public func probabilities(_ raw: UnsafePointer<Double>, into p: UnsafeMutablePointer<Double>) {
        let z = raw[0]
        let e = exp(-abs(z))
        let p1 = z >= 0 ? 1 / (1 + e) : e / (1 + e)
        p[0] = 1 - p1
        p[1] = p1
    }
}

/// Multiclass softmax cross-entropy, one tree per class per round:
/// `g_k = p_k − [y = k]`, `h_k = K/(K−1) · p_k(1 − p_k)` (the diagonal Hessian
/// scaled as in LightGBM's multiclass objective).
public struct SoftmaxObjective: BoostingObjective {
    public let classCount: Int
    public init(classCount: Int) { self.classCount = classCount }
    public var outputs: Int { classCount }

    public func initialScores(y: [Int32], weights: [Double]?) -> [Double] {
        var counts = [Double](repeating: 0, count: classCount)
        for (r, c) in y.enumerated() { counts[Int(c)] += weights?[r] ?? 1 }
        let total = counts.reduce(0, +)
        let logs = counts.map { log(max($0 / max(total, 1e-300), 1e-12)) }
        let mean = logs.reduce(0, +) / Double(classCount)
        return logs.map { $0 - mean }
    }

    public func gradients(scores: UnsafePointer<Double>, y: UnsafePointer<Int32>, weights: UnsafePointer<Double>?, column: Int,
                          rows: Range<Int>, g: UnsafeMutablePointer<Float>, h: UnsafeMutablePointer<Float>) {
        let k = classCount
        let factor = Double(k) / Double(k - 1)
        for r in rows {
            var maxZ = -Double.infinity
            for c in 0..<k { maxZ = max(maxZ, scores[r * k + c]) }
            var sum = 0.0
            for c in 0..<k { sum += exp(scores[r * k + c] - maxZ) }
            let p = exp(scores[r * k + column] - maxZ) / sum
            let w = weights?[r] ?? 1
            g[r] = Float(w * (p - (Int(y[r]) == column ? 1 : 0)))
            h[r] = Float(max(w * factor * p * (1 - p), 1e-16))
        }
    }

    public func probabilities(_ raw: UnsafePointer<Double>, into p: UnsafeMutablePointer<Double>) {
        var maxZ = -Double.infinity
        for c in 0..<classCount { maxZ = max(maxZ, raw[c]) }
        var sum = 0.0
        for c in 0..<classCount { let e = exp(raw[c] - maxZ); p[c] = e; sum += e }
        for c in 0..<classCount { p[c] /= sum }
    }
}
