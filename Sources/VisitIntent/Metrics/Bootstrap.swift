import Foundation
import LinearAlgebra

/// Percentile-bootstrap confidence intervals for accuracy, macro-F1 and log
/// loss, resampling *visitors* (clusters) with replacement when given: the
/// sessions of one visitor are not independent, and resampling them as if
/// they were would give intervals that are too narrow.
public struct Bootstrap: Sendable {
    public var replicates: Int
    public var level: Double
    public var seed: UInt64

    public init(replicates: Int = 200, level: Double = 0.95, seed: UInt64 = 1) {
        self.replicates = replicates
        self.level = level
        self.seed = seed
    }

    public struct Intervals: Codable, Sendable, Equatable {
        public var accuracy: Interval
        public var macroF1: Interval
        public var logLoss: Interval
        public var replicates: Int
        public var level: Double
        /// "visitor" or "session": what was resampled.
        public var unit: String
        enum CodingKeys: String, CodingKey { case accuracy; case macroF1 = "macro_f1"; case logLoss = "log_loss"; case replicates, level, unit }
    }

    /// Intervals for the rows of `probabilities` against `labels`; `clusters`
    /// (one id per row) groups rows that are resampled together.
    public func intervals(probabilities p: Matrix<Double>, labels: [Int32], clusters: [String]? = nil) -> Intervals? {
        let n = labels.count, k = p.columns
        guard n > 0, replicates >= 2 else { return nil }
        let predicted = predictedClasses(p)
        let nll = (0..<n).map { -log(max(p[$0, Int(labels[$0])], 1e-15)) }
        // Rows of each cluster.
        var groupOf = [Int](repeating: 0, count: n)
        var groupCount = n
        if let clusters {
            var index: [String: Int] = [:]
            for (r, c) in clusters.enumerated() {
                if let g = index[c] { groupOf[r] = g } else { index[c] = index.count; groupOf[r] = index.count - 1 }
            }
            groupCount = index.count
        } else {
            for r in 0..<n { groupOf[r] = r }
        }
        var rng = SeededGenerator(seed: seed)
        var draws = [Int](repeating: 0, count: groupCount)
        var acc: [Double] = [], f1: [Double] = [], ll: [Double] = []
        acc.reserveCapacity(replicates); f1.reserveCapacity(replicates); ll.reserveCapacity(replicates)
        var confusion = [Int](repeating: 0, count: k * k)
        for _ in 0..<replicates {
            for g in 0..<groupCount { draws[g] = 0 }
            for _ in 0..<groupCount { draws[Int.random(in: 0..<groupCount, using: &rng)] += 1 }
            for i in 0..<(k * k) { confusion[i] = 0 }
            var total = 0, correct = 0
            var loss = 0.0
            for r in 0..<n {
                let w = draws[groupOf[r]]
                if w == 0 { continue }
                total += w
                if predicted[r] == labels[r] { correct += w }
                loss += Double(w) * nll[r]
                confusion[Int(labels[r]) * k + Int(predicted[r])] += w
            }
            guard total > 0 else { continue }
            acc.append(Double(correct) / Double(total))
            ll.append(loss / Double(total))
            f1.append(Self.macroF1(confusion, k))
        }
        let alpha = (1 - level) / 2
        func interval(_ v: [Double]) -> Interval {
            let s = v.sorted()
            return Interval(low: Self.quantile(s, alpha), high: Self.quantile(s, 1 - alpha))
        }
        return Intervals(accuracy: interval(acc), macroF1: interval(f1), logLoss: interval(ll), replicates: replicates, level: level,
                         unit: clusters == nil ? "session" : "visitor")
    }

    /// Macro-F1 from a flattened `[actual * k + predicted]` count matrix (as `ConfusionMatrix.macroF1`).
    static func macroF1(_ c: [Int], _ k: Int) -> Double {
        var sum = 0.0, present = 0
        for j in 0..<k {
            var support = 0, predicted = 0
            for i in 0..<k { support += c[j * k + i]; predicted += c[i * k + j] }
            guard support > 0 || predicted > 0 else { continue }
            present += 1
            let tp = Double(c[j * k + j])
            let precision = predicted == 0 ? 0 : tp / Double(predicted), recall = support == 0 ? 0 : tp / Double(support)
            sum += precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall)
        }
        return present == 0 ? 0 : sum / Double(present)
    }

    /// Linear-interpolated quantile of sorted values (NumPy's default).
    static func quantile(_ sorted: [Double], _ q: Double) -> Double {
        guard !sorted.isEmpty else { return .nan }
        let h = q * Double(sorted.count - 1)
        let lo = Int(h.rounded(.down)), hi = min(lo + 1, sorted.count - 1)
        return sorted[lo] + (h - Double(lo)) * (sorted[hi] - sorted[lo])
    }
}
