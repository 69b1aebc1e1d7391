import Foundation

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
