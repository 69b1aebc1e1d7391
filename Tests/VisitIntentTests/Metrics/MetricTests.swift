import Foundation
import LinearAlgebra
import Testing
import VisitIntent
import VisitIntentTestSupport

@Suite struct MetricTests {
    /// AUC by counting every (positive, negative) pair, ties as half.
    func aucByPairs(_ scores: [Double], _ positive: [Bool]) -> Double {
        var wins = 0.0, pairs = 0.0
        for i in scores.indices where positive[i] {
            for j in scores.indices where !positive[j] {
                pairs += 1
                if scores[i] > scores[j] { wins += 1 } else if scores[i] == scores[j] { wins += 0.5 }
            }
        }
        return wins / pairs
    }

    @Test(arguments: [1, 2, 3, 4])
    func rankAUCEqualsPairCounting(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        let n = 300
        // Coarse scores so that ties occur.
        let scores = (0..<n).map { _ in (rng.uniform() * 20).rounded() / 20 }
        let positive = scores.map { rng.uniform() < 0.3 + 0.4 * $0 }
        let auc = try #require(OneVsRestAUC.auc(scores: scores, positive: positive))
        #expect(abs(auc - aucByPairs(scores, positive)) < 1e-12)
        #expect(OneVsRestAUC.auc(scores: [0.1, 0.2], positive: [true, true]) == nil)
    }

    @Test func handComputedClassificationFigures() {
        // Three classes, six rows; predictions are the row maxima.
        let p = Matrix<Double>(rows: 6, columns: 3, storage: [
            0.7, 0.2, 0.1,   // actual 0, predicted 0
            0.5, 0.4, 0.1,   // actual 1, predicted 0
            0.1, 0.8, 0.1,   // actual 1, predicted 1
            0.2, 0.2, 0.6,   // actual 2, predicted 2
            0.3, 0.3, 0.4,   // actual 0, predicted 2
            0.1, 0.6, 0.3,   // actual 2, predicted 1
        ])
        let y: [Int32] = [0, 1, 1, 2, 0, 2]
        let r = ClassificationReport(probabilities: p, labels: y, classes: ["a", "b", "c"])
        #expect(r.confusion == [[1, 0, 1], [1, 1, 0], [0, 1, 1]])
        #expect(r.accuracy == 0.5)
        // Each class: precision 1/2, recall 1/2, F1 1/2.
        #expect(abs(r.macroF1 - 0.5) < 1e-12)
        let expectedLogLoss = -(log(0.7) + log(0.4) + log(0.8) + log(0.6) + log(0.3) + log(0.3)) / 6
        #expect(abs(r.logLoss - expectedLogLoss) < 1e-12)
        #expect(r.majorityAccuracy == 2.0 / 6)
        // Majority class "a" (ties go to the first): F1 of a = 2·(2/6)·1/(2/6+1) = 0.5, others 0 → mean over the classes present 1/6.
        #expect(abs(r.majorityMacroF1 - 0.5 / 3) < 1e-12)
    }

    @Test func smallSegmentsAreSuppressedWithAComplement() {
        // Sizes 30, 12, 2: "tiny" is small; hiding it alone would let 44 − 30 − 12 reveal it,
        // so the next smallest ("mid") is hidden too.
        let n = 44
        let p = Matrix<Double>(rows: n, columns: 2, storage: (0..<(2 * n)).map { $0 % 2 == 0 ? 0.8 : 0.2 })
        let y = [Int32](repeating: 0, count: n)
        let codes: [UInt16] = (0..<n).map { $0 < 30 ? 0 : ($0 < 42 ? 1 : 2) }
        let column = CategoricalColumn(levels: ["big", "mid", "tiny"], codes: codes)
        let s = SegmentReport(dimension: "device", column: column, probabilities: p, labels: y, classes: ["x", "y"], minimumSessions: 10)
        #expect(s.rows.count == 3)
        let tiny = s.rows.first { $0.segment == "tiny" }!
        #expect(tiny.suppressed && tiny.sessions == nil && tiny.accuracy == nil)
        #expect(s.rows.first { $0.segment == "mid" }!.suppressed)
        #expect(s.rows.first { $0.segment == "big" }?.sessions == 30)
        // Counted in visitors: 12 sessions of 3 visitors is a small group.
        let visitors = (0..<n).map { $0 < 30 ? "v\($0)" : "w\($0 % 3)" }
        let byVisitor = SegmentReport(dimension: "device", column: column, probabilities: p, labels: y, classes: ["x", "y"], minimumSessions: 10, visitors: visitors)
        #expect(byVisitor.rows.first { $0.segment == "mid" }!.suppressed)
    }
}
