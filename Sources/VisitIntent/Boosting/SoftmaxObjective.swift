import Foundation

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
