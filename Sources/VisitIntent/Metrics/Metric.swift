import Foundation
import LinearAlgebra

/// A figure of merit for class probabilities against true classes. A new
/// metric is one new conforming type.
public protocol Metric: Sendable {
    var name: String { get }
    var higherIsBetter: Bool { get }
    /// `nil` where the metric is undefined (e.g. AUC with one class present).
    func value(probabilities: Matrix<Double>, labels: [Int32]) -> Double?
}

/// Index of the largest probability in each row (ties: the first class).
public func predictedClasses(_ p: Matrix<Double>) -> [Int32] {
    (0..<p.rows).map { r in
        var best = 0
        for c in 1..<max(p.columns, 1) where p[r, c] > p[r, best] { best = c }
        return Int32(best)
    }
}

public struct Accuracy: Metric {
    public init() {}
    public var name: String { "accuracy" }
    public var higherIsBetter: Bool { true }
    public func value(probabilities: Matrix<Double>, labels: [Int32]) -> Double? {
        guard !labels.isEmpty else { return nil }
        let predicted = predictedClasses(probabilities)
        return Double(zip(predicted, labels).filter { $0 == $1 }.count) / Double(labels.count)
    }
}

/// Unweighted mean of per-class F1 over the classes present in the labels or predictions.
public struct MacroF1: Metric {
    public init() {}
    public var name: String { "macro_f1" }
    public var higherIsBetter: Bool { true }
    public func value(probabilities: Matrix<Double>, labels: [Int32]) -> Double? {
        guard !labels.isEmpty else { return nil }
        return ConfusionMatrix(predicted: predictedClasses(probabilities), actual: labels, classCount: probabilities.columns).macroF1
    }
}

/// Mean negative log-likelihood of the true class, probabilities clipped at 1e-15.
public struct LogLoss: Metric {
    public init() {}
    public var name: String { "log_loss" }
    public var higherIsBetter: Bool { false }
    public func value(probabilities: Matrix<Double>, labels: [Int32]) -> Double? {
        guard !labels.isEmpty else { return nil }
        var s = 0.0
        for (r, y) in labels.enumerated() { s -= log(max(probabilities[r, Int(y)], 1e-15)) }
        return s / Double(labels.count)
    }
}

/// One-vs-rest ROC AUC of one class: the probability that a random positive
/// scores above a random negative (ties count half), computed from ranks
/// (Mann–Whitney U) in O(n log n).
public struct OneVsRestAUC: Metric {
    public let classIndex: Int
    public init(classIndex: Int) { self.classIndex = classIndex }
    public var name: String { "roc_auc" }
    public var higherIsBetter: Bool { true }
    public func value(probabilities: Matrix<Double>, labels: [Int32]) -> Double? {
        OneVsRestAUC.auc(scores: (0..<labels.count).map { probabilities[$0, classIndex] }, positive: labels.map { Int($0) == classIndex })
    }

    public static func auc(scores raw: [Double], positive: [Bool]) -> Double? {
        let scores = raw.map { $0.isNaN ? -Double.infinity : $0 }  // NaN ranks last: a strict weak order for the sort
        let pos = positive.filter { $0 }.count, neg = positive.count - pos
        guard pos > 0, neg > 0 else { return nil }
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        var rankSum = 0.0
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && scores[order[j + 1]] == scores[order[i]] { j += 1 }
            let averageRank = Double(i + j) / 2 + 1
            for k in i...j where positive[order[k]] { rankSum += averageRank }
            i = j + 1
        }
        return (rankSum - Double(pos) * Double(pos + 1) / 2) / (Double(pos) * Double(neg))
    }
}

/// Mean of the one-vs-rest AUCs that are defined.
public struct MacroAUC: Metric {
    public init() {}
    public var name: String { "macro_roc_auc" }
    public var higherIsBetter: Bool { true }
    public func value(probabilities: Matrix<Double>, labels: [Int32]) -> Double? {
        let values = (0..<probabilities.columns).compactMap { OneVsRestAUC(classIndex: $0).value(probabilities: probabilities, labels: labels) }
        return values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
    }
}
