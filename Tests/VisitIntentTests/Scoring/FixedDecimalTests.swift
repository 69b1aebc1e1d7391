import Foundation
import Testing
import VisitIntent
import VisitIntentTestSupport

@Suite struct FixedDecimalTests {
    /// The same bytes as `String(format: "%.6f")`, the C library's correctly
    /// rounded reference, on random probabilities, values near rounding ties,
    /// signs, large values and non-finite ones.
    @Test func matchesPrintf() {
        var rng = SeededGenerator(seed: 21)
        var values: [Double] = [0, -0.0, 1, 0.5, 1e-7, -1e-7, 0.0000005, 0.0000015, 0.1234565, 2.5e-6, 999.9999995, 999.9999999, -999.99999951, 1000, 123456.789, -3.25,
                                .nan, .infinity, -.infinity, .leastNonzeroMagnitude, 1 - 1e-12]
        for _ in 0..<200_000 { values.append(rng.uniform()) }
        for _ in 0..<50_000 { values.append((rng.uniform() * 2 - 1) * 2_000) }
        // Exact ties and their neighbours: k.5 millionths.
        for k in 0..<20_000 {
            let tie = (Double(k) + 0.5) / 1e6
            values += [tie, tie.nextUp, tie.nextDown]
        }
        var mismatches = 0
        for v in values where FixedDecimal.sixDigits(v) != String(format: "%.6f", v) {
            mismatches += 1
            if mismatches < 5 { Issue.record("\(v): \(FixedDecimal.sixDigits(v)) vs \(String(format: "%.6f", v))") }
        }
        #expect(mismatches == 0)
    }
}
