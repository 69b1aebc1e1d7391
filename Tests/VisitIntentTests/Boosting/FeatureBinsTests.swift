import LinearAlgebra
import Testing
import VisitIntent
import VisitIntentTestSupport

@Suite struct FeatureBinsTests {
    /// Bins from `apply` (a branch-free search) against a linear scan over the
    /// bounds: the first bound ≥ the value, NaN to the missing bin. Values
    /// include the bounds themselves, their neighbours, infinities and NaN.
    @Test func applyMatchesALinearScanOfTheBounds() {
        var rng = SeededGenerator(seed: 31)
        let rows = 5000
        var x = Matrix<Float>(rows: rows, columns: 4)
        for r in 0..<rows {
            x[r, 0] = Float(rng.normal())                        // many distinct values: quantile bounds
            x[r, 1] = Float(Int(rng.uniform() * 7))              // few distinct values
            x[r, 2] = rng.uniform() < 0.1 ? .nan : Float(rng.normal() * 100)
            x[r, 3] = Float(Int(rng.uniform() * 5))              // categorical codes
        }
        let bins = FeatureBins.fit(x, maxBin: 32, categorical: [false, false, false, true], maxCategories: 8, threads: 2)
        #expect(bins == FeatureBins.fit(x, maxBin: 32, categorical: [false, false, false, true], maxCategories: 8, threads: 1))
        // Probe values: every bound, its float neighbours, extremes.
        let extremes: [Float] = [-.infinity, .infinity, .nan, -Float.greatestFiniteMagnitude, 0, -0.0]
        let flat = (0..<3).flatMap { j in bins.bounds[j].flatMap { [$0, $0.nextUp, $0.nextDown] } } + extremes
        var probe = Matrix<Float>(rows: flat.count + rows, columns: 4)
        for (i, v) in flat.enumerated() { for j in 0..<3 { probe[i, j] = v }; probe[i, 3] = Float(i % 10) - 1 }
        for r in 0..<rows { for j in 0..<4 { probe[flat.count + r, j] = x[r, j] } }
        let binned = bins.apply(probe, threads: 2)
        for j in 0..<3 {
            let bounds = bins.bounds[j]
            for r in 0..<probe.rows {
                let v = probe[r, j]
                let expected: UInt8 = v.isNaN ? FeatureBins.missingBin : UInt8(bounds.firstIndex { v <= $0 } ?? bounds.count)
                let got = binned.columns[j * probe.rows + r]
                if got != expected { Issue.record("feature \(j), value \(v): bin \(got), expected \(expected)"); return }
            }
        }
        for r in 0..<probe.rows {
            let v = probe[r, 3]
            let expected: UInt8 = (v >= 0 && v < 8 && v == v.rounded()) ? UInt8(v) : FeatureBins.missingBin
            #expect(binned.columns[3 * probe.rows + r] == expected)
        }
    }
}
