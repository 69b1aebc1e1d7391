import Foundation
import LinearAlgebra
import Testing
import VisitIntent
import VisitIntentTestSupport

/// Intervals, curves and calibration figures against hand computations.
@Suite struct EvaluationFiguresTests {
    static func matrix(_ rows: [[Double]]) -> Matrix<Double> {
        var m = Matrix<Double>(rows: rows.count, columns: rows[0].count)
        for (r, row) in rows.enumerated() { for (c, v) in row.enumerated() { m[r, c] = v } }
        return m
    }

    @Test func expectedCalibrationErrorByHand() {
        // Confidences 0.95, 0.9 (bin 0.9–1.0, one right one wrong) and 0.6, 0.65, 0.62 (bin 0.6–0.7, all right).
        let p = Self.matrix([[0.95, 0.05], [0.1, 0.9], [0.6, 0.4], [0.35, 0.65], [0.62, 0.38]])
        let y: [Int32] = [0, 0, 0, 1, 0]
        let r = Reliability(probabilities: p, labels: y)
        // Bin 9: confidence (0.95+0.9)/2 = 0.925, accuracy 1/2 → gap 0.425, weight 2/5.
        // Bin 6: confidence (0.6+0.65+0.62)/3 = 0.6233…, accuracy 1 → gap 0.3766…, weight 3/5.
        let expected = 2.0 / 5 * 0.425 + 3.0 / 5 * (1 - 1.87 / 3)
        #expect(abs(r.expectedCalibrationError - expected) < 1e-12)
        #expect(r.bins[9].sessions == 2 && r.bins[6].sessions == 3 && r.bins[0].sessions == 0)
    }

    @Test func averagePrecisionAndCurvesByHand() {
        // Scores high→low: +, −, +, − : precision at each positive 1/1 and 2/3 → AP = 0.5·1 + 0.5·(2/3).
        let c = ClassCurves(name: "x", scores: [0.9, 0.8, 0.7, 0.6], positive: [true, false, true, false])
        #expect(abs(c.averagePrecision! - (0.5 + 0.5 * 2 / 3)) < 1e-12)
        #expect(c.roc.first! == [0, 0] && c.roc.last! == [1, 1])
        #expect(abs(c.rocAUC! - 0.75) < 1e-12)  // pairs: (0.9>0.8, 0.9>0.6, 0.7<0.8, 0.7>0.6) → 3/4
        #expect(c.prevalence == 0.5)
    }

    @Test func oneClusterGivesThePointFiguresExactly() throws {
        // Every replicate draws the only cluster once: each interval collapses onto the
        // figures computed by the public metrics (macro-F1 from the confusion matrix).
        var rng = SeededGenerator(seed: 5)
        var rows: [[Double]] = [], y: [Int32] = []
        for _ in 0..<200 {
            var row = (0..<3).map { _ in rng.uniform() + 0.01 }
            let s = row.reduce(0, +); row = row.map { $0 / s }
            rows.append(row); y.append(Int32(Int(rng.next() % 3)))
        }
        let p = Self.matrix(rows)
        let i = try #require(Bootstrap(replicates: 20).intervals(probabilities: p, labels: y, clusters: Array(repeating: "one", count: 200)))
        let f1 = ConfusionMatrix(predicted: predictedClasses(p), actual: y, classCount: 3).macroF1
        #expect(abs(i.macroF1.low - f1) < 1e-12 && abs(i.macroF1.high - f1) < 1e-12)
        #expect(abs(i.accuracy.low - Accuracy().value(probabilities: p, labels: y)!) < 1e-12)
        #expect(abs(i.logLoss.high - LogLoss().value(probabilities: p, labels: y)!) < 1e-9)
    }

    @Test func intervalsContainThePointEstimateAndShrinkWithMoreData() throws {
        func sample(_ n: Int, seed: UInt64) -> (Matrix<Double>, [Int32], [String]) {
            var rng = SeededGenerator(seed: seed)
            var rows: [[Double]] = [], y: [Int32] = [], visitors: [String] = []
            for i in 0..<n {
                let q = 0.2 + 0.6 * rng.uniform()
                rows.append([1 - q, q]); y.append(rng.uniform() < q ? 1 : 0); visitors.append("v\(i / 2)")
            }
            return (Self.matrix(rows), y, visitors)
        }
        let (p1, y1, v1) = sample(400, seed: 1), (p2, y2, v2) = sample(6400, seed: 1)
        let b = Bootstrap(replicates: 300, seed: 9)
        let small = try #require(b.intervals(probabilities: p1, labels: y1, clusters: v1))
        let large = try #require(b.intervals(probabilities: p2, labels: y2, clusters: v2))
        let a1 = Accuracy().value(probabilities: p1, labels: y1)!, a2 = Accuracy().value(probabilities: p2, labels: y2)!
        #expect(small.accuracy.contains(a1) && large.accuracy.contains(a2))
        #expect(small.logLoss.contains(LogLoss().value(probabilities: p1, labels: y1)!))
        #expect(small.macroF1.contains(MacroF1().value(probabilities: p1, labels: y1)!))
        // 16× the data: the width should shrink by about 4×; demand at least 2.5×.
        #expect((small.accuracy.high - small.accuracy.low) > 2.5 * (large.accuracy.high - large.accuracy.low))
        // Same seed, same interval.
        #expect(b.intervals(probabilities: p1, labels: y1, clusters: v1) == small)
        #expect(small.unit == "visitor")
    }

    @Test func temperatureScalingRecoversAKnownTemperature() {
        // True probabilities; the "model" is overconfident: p ∝ p_true², i.e. temperature 1/2.
        var rng = SeededGenerator(seed: 3)
        var shown: [[Double]] = [], y: [Int32] = []
        for _ in 0..<4000 {
            let logits = (0..<3).map { _ in 2 * rng.uniform() - 1 }
            let e = logits.map { exp($0) }, s = e.reduce(0, +)
            let truth = e.map { $0 / s }
            let u = rng.uniform()
            y.append(u < truth[0] ? 0 : (u < truth[0] + truth[1] ? 1 : 2))
            let sq = truth.map { $0 * $0 }, t = sq.reduce(0, +)
            shown.append(sq.map { $0 / t })
        }
        let p = Self.matrix(shown)
        let c = Calibration.fit(.temperature, probabilities: p, labels: y)
        #expect(abs(c.temperature! - 2) < 0.25)
        var q = p
        c.apply(&q)
        #expect(LogLoss().value(probabilities: q, labels: y)! < LogLoss().value(probabilities: p, labels: y)!)
        #expect(predictedClasses(q) == predictedClasses(p))  // temperature keeps the ranking
    }

    @Test func isotonicIsMonotoneAndPoolsViolators() {
        var p = Self.matrix([[0.9, 0.1], [0.8, 0.2], [0.7, 0.3], [0.6, 0.4], [0.4, 0.6], [0.2, 0.8]])
        // Positive-class targets by increasing score: 0, 1, 0, 0, 1, 1 → PAV pools (1, 0, 0) into 1/3.
        let y: [Int32] = [0, 1, 0, 0, 1, 1]
        let c = Calibration.fit(.isotonic, probabilities: p, labels: y)
        let map = c.isotonic![0]
        #expect(map.y == [0, 1.0 / 3, 1, 1] || map.y == [0, 1.0 / 3, 1])
        #expect(zip(map.y, map.y.dropFirst()).allSatisfy { $0 <= $1 })
        c.apply(&p)
        #expect(abs(p[0, 1] - 0) < 1e-12 && abs(p[5, 1] - 1) < 1e-12)
        #expect((0..<6).allSatisfy { abs(p[$0, 0] + p[$0, 1] - 1) < 1e-12 })
    }

    /// Found in review: a NaN score made the curve's tie loop spin forever.
    @Test func nanScoresRankLastInsteadOfHanging() {
        let c = ClassCurves(name: "x", scores: [0.9, .nan, 0.4, .nan], positive: [true, false, true, false])
        #expect(c.rocAUC == 1)
        #expect(c.roc.last! == [1, 1])
        let r = Reliability(probabilities: Self.matrix([[.nan, .nan], [0.8, 0.2]]), labels: [0, 0])
        #expect(r.bins.reduce(0) { $0 + $1.sessions } == 1)
    }
}
