/// Counts of (actual, predicted) class pairs and the per-class figures drawn from them.
public struct ConfusionMatrix: Sendable, Equatable {
    /// `counts[actual][predicted]`.
    public var counts: [[Int]]

    public init(predicted: [Int32], actual: [Int32], classCount: Int) {
        counts = Array(repeating: Array(repeating: 0, count: classCount), count: classCount)
        for (p, a) in zip(predicted, actual) { counts[Int(a)][Int(p)] += 1 }
    }

    public var classCount: Int { counts.count }
    public func support(_ c: Int) -> Int { counts[c].reduce(0, +) }
    public func predictedCount(_ c: Int) -> Int { counts.reduce(0) { $0 + $1[c] } }

    /// Precision, recall and F1 of class `c`; 0 where undefined (no predictions or no support), as scikit-learn does.
    public func precision(_ c: Int) -> Double { let p = predictedCount(c); return p == 0 ? 0 : Double(counts[c][c]) / Double(p) }
    public func recall(_ c: Int) -> Double { let s = support(c); return s == 0 ? 0 : Double(counts[c][c]) / Double(s) }
    public func f1(_ c: Int) -> Double {
        let p = precision(c), r = recall(c)
        return p + r == 0 ? 0 : 2 * p * r / (p + r)
    }

    /// Mean F1 over classes that occur in the labels or the predictions.
    public var macroF1: Double {
        let present = (0..<classCount).filter { support($0) > 0 || predictedCount($0) > 0 }
        guard !present.isEmpty else { return 0 }
        return present.map(f1).reduce(0, +) / Double(present.count)
    }
}
