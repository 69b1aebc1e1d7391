import Foundation
import LinearAlgebra

/// Post-hoc probability calibration fitted on held-out sessions and stored in
/// the model file, so that "0.7" means right about 70% of the time.
///
/// - `temperature`: one scalar `T` with `p'ᵢ ∝ pᵢ^(1/T)` (softmax of the
///   log-probabilities divided by `T`), fitted by minimising log loss. Keeps
///   the ranking and the predicted class; fixes over- or under-confidence.
/// - `isotonic`: a monotone, piecewise-linear map per class fitted by pool
///   adjacent violators (one-vs-rest, rows renormalised; for two classes the
///   positive class only), as scikit-learn's `CalibratedClassifierCV` does.
///   More flexible, needs more held-out data.
public struct Calibration: Codable, Sendable, Equatable {
    public enum Method: String, Codable, Sendable, CaseIterable { case temperature, isotonic }

    /// A monotone map from a score to a probability: interpolation between knots.
    public struct IsotonicMap: Codable, Sendable, Equatable {
        public var x: [Double]
        public var y: [Double]

        public func callAsFunction(_ v: Double) -> Double {
            guard let first = x.first, let last = x.last else { return v }
            if v <= first { return y[0] }
            if v >= last { return y[y.count - 1] }
            var lo = 0, hi = x.count - 1
            while hi - lo > 1 { let mid = (lo + hi) / 2; if x[mid] <= v { lo = mid } else { hi = mid } }
            let t = x[hi] == x[lo] ? 0 : (v - x[lo]) / (x[hi] - x[lo])
            return y[lo] + t * (y[hi] - y[lo])
        }
    }

    public var method: Method
    public var temperature: Double?
    public var isotonic: [IsotonicMap]?
    /// Held-out sessions it was fitted on.
    public var sessions: Int

    /// Refuses a calibration that could not have been fitted (a damaged or hand-edited file).
    public func validate(classCount k: Int) throws {
        switch method {
        case .temperature:
            guard let t = temperature, t.isFinite, t > 0 else { throw ModelFileError.invalid("the calibration's temperature must be a positive number") }
        case .isotonic:
            guard let maps = isotonic, maps.count == (k == 2 ? 1 : k) else { throw ModelFileError.invalid("the isotonic calibration needs one map per class") }
            for m in maps {
                guard !m.x.isEmpty, m.x.count == m.y.count, m.x.allSatisfy(\.isFinite), m.y.allSatisfy({ $0.isFinite && $0 >= 0 && $0 <= 1 }),
                      zip(m.x, m.x.dropFirst()).allSatisfy({ $0 <= $1 }) else {
                    throw ModelFileError.invalid("an isotonic calibration map is not increasing, finite probabilities")
                }
            }
        }
    }

    /// One Markdown line for model cards.
    public var cardLine: String {
        switch method {
        case .temperature: "- **Calibration:** temperature T = \(String(format: "%.3f", temperature ?? 1)) (\((temperature ?? 1) > 1 ? "softens over-confident" : "sharpens under-confident") probabilities), fitted on the \(sessions) held-out sessions that also give the validation figures (so those are optimistic about calibration)\n"
        case .isotonic: "- **Calibration:** isotonic, one monotone map per class, fitted on the \(sessions) held-out sessions that also give the validation figures (so those are optimistic about calibration)\n"
        }
    }

    /// Applies the calibration to rows of probabilities, in place.
    public func apply(_ p: inout Matrix<Double>) {
        let k = p.columns
        switch method {
        case .temperature:
            let inverse = 1 / (temperature ?? 1)
            for r in 0..<p.rows {
                var logs = (0..<k).map { log(max(p[r, $0], 1e-300)) * inverse }
                let m = logs.max() ?? 0
                var sum = 0.0
                for c in 0..<k { logs[c] = exp(logs[c] - m); sum += logs[c] }
                for c in 0..<k { p[r, c] = logs[c] / sum }
            }
        case .isotonic:
            guard let maps = isotonic else { return }
            for r in 0..<p.rows {
                if k == 2 {
                    let q = min(1, max(0, maps[0](p[r, 1])))
                    p[r, 0] = 1 - q; p[r, 1] = q
                    continue
                }
                var q = (0..<k).map { min(1, max(0, maps[$0](p[r, $0]))) }
                let sum = q.reduce(0, +)
                if sum <= 0 { continue }  // keep the uncalibrated row
                for c in 0..<k { q[c] /= sum; p[r, c] = q[c] }
            }
        }
    }

    /// Fits `method` on held-out probabilities and their true classes.
    public static func fit(_ method: Method, probabilities p: Matrix<Double>, labels: [Int32]) -> Calibration {
        switch method {
        case .temperature:
            return Calibration(method: .temperature, temperature: fitTemperature(p, labels), isotonic: nil, sessions: labels.count)
        case .isotonic:
            let k = p.columns
            let classes = k == 2 ? [1] : Array(0..<k)
            let maps = classes.map { c in isotonicFit(scores: (0..<p.rows).map { p[$0, c] }, targets: labels.map { Int($0) == c ? 1 : 0 }) }
            return Calibration(method: .isotonic, temperature: nil, isotonic: maps, sessions: labels.count)
        }
    }

    /// The temperature minimising log loss, by golden-section search on log T
    /// (the loss is smooth and unimodal in practice over this range).
    static func fitTemperature(_ p: Matrix<Double>, _ y: [Int32]) -> Double {
        let k = p.columns
        let logs = (0..<p.rows).map { r in (0..<k).map { log(max(p[r, $0], 1e-300)) } }
        func loss(_ logT: Double) -> Double {
            let inverse = exp(-logT)
            var total = 0.0
            for (r, l) in logs.enumerated() {
                let z = l.map { $0 * inverse }
                let m = z.max()!
                let lse = m + log(z.reduce(0) { $0 + exp($1 - m) })
                total += lse - z[Int(y[r])]
            }
            return total
        }
        var a = log(0.05), b = log(20.0)
        let g = (sqrt(5.0) - 1) / 2
        var c = b - g * (b - a), d = a + g * (b - a)
        var fc = loss(c), fd = loss(d)
        for _ in 0..<80 where b - a > 1e-7 {
            if fc < fd { b = d; d = c; fd = fc; c = b - g * (b - a); fc = loss(c) } else { a = c; c = d; fc = fd; d = a + g * (b - a); fd = loss(d) }
        }
        return exp((a + b) / 2)
    }

    /// Pool adjacent violators on scores sorted ascending; knots at block
    /// means, thinned to at most 512 to keep model files small.
    static func isotonicFit(scores: [Double], targets: [Int]) -> IsotonicMap {
        let order = scores.indices.filter { scores[$0].isFinite }.sorted { (scores[$0], $0) < (scores[$1], $1) }
        // Equal scores are one point (their mean target), as scikit-learn pools ties before PAV.
        var unique: [(x: Double, y: Double, w: Double)] = []
        for i in order {
            if let last = unique.last, last.x == scores[i] {
                unique[unique.count - 1] = (last.x, (last.y * last.w + Double(targets[i])) / (last.w + 1), last.w + 1)
            } else {
                unique.append((scores[i], Double(targets[i]), 1))
            }
        }
        var blockX: [Double] = [], blockY: [Double] = [], blockW: [Double] = []
        for u in unique {
            blockX.append(u.x); blockY.append(u.y); blockW.append(u.w)
            while blockY.count >= 2 && blockY[blockY.count - 2] >= blockY[blockY.count - 1] {
                let w = blockW[blockW.count - 2] + blockW[blockW.count - 1]
                let yMerged = (blockY[blockY.count - 2] * blockW[blockW.count - 2] + blockY[blockY.count - 1] * blockW[blockW.count - 1]) / w
                let xMerged = (blockX[blockX.count - 2] * blockW[blockW.count - 2] + blockX[blockX.count - 1] * blockW[blockW.count - 1]) / w
                blockX.removeLast(); blockY.removeLast(); blockW.removeLast()
                blockX[blockX.count - 1] = xMerged; blockY[blockY.count - 1] = yMerged; blockW[blockW.count - 1] = w
            }
        }
        if blockX.count > 512 {
            let step = Double(blockX.count - 1) / 511
            let picks = (0..<512).map { Int((Double($0) * step).rounded()) }
            blockX = picks.map { blockX[$0] }; blockY = picks.map { blockY[$0] }
        }
        return IsotonicMap(x: blockX, y: blockY)
    }
}
