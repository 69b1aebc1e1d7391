import Foundation
import LinearAlgebra

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
