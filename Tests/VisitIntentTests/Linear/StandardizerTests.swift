import Foundation
import LinearAlgebra
import Testing
import VisitIntent

@Suite struct StandardizerTests {
    /// Small whole numbers take their `log1p` from a table: the values must
    /// be exactly `log1p`'s, at the table's edges and off it (fractions,
    /// negatives, large counts, NaN).
    @Test func signedLog1pIsLog1pExactly() {
        var values: [Float] = (0..<300).map(Float.init) + [0.5, 1.5, 254.999, 255.0, 255.5, 256, 1e6, 3.4e38, .infinity]
        values += values.map { -$0 }
        for v in values {
            let want: Float = v == 0 ? 0 : v > 0 ? log1p(v) : -log1p(-v)
            #expect(Standardizer.signedLog1p(v).bitPattern == want.bitPattern, "\(v)")
        }
        #expect(Standardizer.signedLog1p(.nan).isNaN)
    }

    /// `apply` on a matrix: log1p where asked, then (v − mean) / scale, NaN to 0.
    @Test func applyMatchesItsDefinition() {
        let s = Standardizer(transforms: [.log1p, .none, .log1p], means: [0.5, 2, 1], scales: [2, 4, 0.5])
        let x = Matrix<Float>(rows: 2, columns: 3, storage: [3, 10, .nan, 0, -2, 250.5])
        let y = s.apply(x)
        let want: [Float] = [Float((Double(log1p(Float(3))) - 0.5) / 2), 2, 0,
                             Float((0 - 0.5) / 2.0), -1, Float((Double(log1p(Float(250.5))) - 1) / 0.5)]
        #expect(y.storage == want)
    }
}
