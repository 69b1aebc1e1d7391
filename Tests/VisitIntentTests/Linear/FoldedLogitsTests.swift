import Foundation
import LinearAlgebra
import Testing
import VisitIntent
import VisitIntentTestSupport

/// Scoring folds the standardisation into the weights and skips zero
/// features (`FoldedLogits`). The reference here is the definition, computed
/// the long way: every column standardised densely (`Standardizer.apply`),
/// then `softmax(x̂W + b)` in Double.
@Suite struct FoldedLogitsTests {
    /// Counts-like columns: mostly zeros, small and large whole numbers (on and
    /// off the log table), fractions, negatives and missing values; nine
    /// columns, so the last (a `log1p` one) is past the eight-column masks.
    static func data(classes: Int, seed: UInt64) -> TrainingData {
        var g = SeededGenerator(seed: seed)
        let rows = 600, d = 9
        var x = [Float](repeating: 0, count: rows * d), y = [Int32](repeating: 0, count: rows)
        for r in 0..<rows {
            let label = Int32(r % classes)
            y[r] = label
            for j in 0..<d {
                let u = Double.random(in: 0..<1, using: &g)
                var v: Float = 0
                if u < 0.55 { v = 0 } else if u < 0.8 { v = Float(Int.random(in: 1...12, using: &g) + Int(label) * j % 4) }
                else if u < 0.9 { v = Float(Int.random(in: 200...2000, using: &g)) } else if u < 0.95 { v = Float.random(in: -3...3, using: &g) }
                else { v = .nan }
                x[r * d + j] = v
            }
        }
        let columns = (0..<d).map { FeatureColumn(name: "c\($0)", group: "test", transform: $0 % 3 == 1 ? .none : .log1p, label: "c\($0)") }
        return TrainingData(x: Matrix(rows: rows, columns: d, storage: x), y: y, classes: (0..<classes).map { "k\($0)" }, columns: columns)
    }

    static func reference(_ model: LogisticRegressionModel, _ x: Matrix<Float>) -> [[Double]] {
        let s = model.standardizer.apply(x)
        return (0..<x.rows).map { r in
            let z = model.weights.indices.map { c in
                model.intercepts[c] + (0..<x.columns).reduce(0.0) { $0 + model.weights[c][$1] * Double(s[r, $1]) }
            }
            if z.count == 1 { let p = 1 / (1 + exp(-z[0])); return [1 - p, p] }
            let top = z.max()!
            let e = z.map { exp($0 - top) }
            return e.map { $0 / e.reduce(0, +) }
        }
    }

    @Test(arguments: [2, 3])
    func probabilitiesEqualTheDenseDefinition(classes: Int) throws {
        let data = Self.data(classes: classes, seed: UInt64(40 + classes))
        var config = LogisticRegressionConfiguration()
        config.l2 = 1e-3
        let (model, _) = try LogisticRegressionTrainer(configuration: config).fit(data)
        #expect(model.weights.allSatisfy { $0.contains { abs($0) > 0.01 } }, "a model that ignores its features tests nothing")
        let p = try model.uncalibratedProbabilities(data.x, threads: 2)
        let want = Self.reference(model, data.x)
        // NaN-safe: `max` would keep the old value against a NaN difference.
        let finite = p.storage.allSatisfy(\.isFinite)
        #expect(finite, "a probability is not finite")
        var worst = 0.0
        for r in 0..<p.rows { for k in 0..<p.columns where !(abs(p[r, k] - want[r][k]) <= worst) { worst = abs(p[r, k] - want[r][k]) } }
        // The dense path rounds each standardised value to Float: that is the whole difference.
        #expect(worst < 1e-5, "largest difference \(worst)")
        // One row alone scores as it does inside the batch, bit for bit.
        for r in [0, 7, 599] {
            let alone = try model.uncalibratedProbabilities(Matrix(rows: 1, columns: data.x.columns, storage: Array(data.x.storage[(r * data.x.columns)..<((r + 1) * data.x.columns)])), threads: 1)
            for k in 0..<p.columns { #expect(alone[0, k].bitPattern == p[r, k].bitPattern) }
        }
    }
}
