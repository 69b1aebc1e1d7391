import LinearAlgebra
import Testing
import VisitIntentTestSupport

@Suite struct BLASTests {
    /// Reference product by the triple loop, in Double.
    func naive(_ a: [Double], _ b: [Double], m: Int, n: Int, k: Int) -> [Double] {
        var c = [Double](repeating: 0, count: m * n)
        for i in 0..<m { for j in 0..<n { for l in 0..<k { c[i * n + j] += a[i * k + l] * b[l * n + j] } } }
        return c
    }

    @Test(arguments: [(1, 1, 1), (3, 5, 4), (17, 9, 33), (64, 3, 128)])
    func singlePrecisionProductMatchesTripleLoop(shape: (Int, Int, Int)) {
        let (m, n, k) = shape
        let a = TestSupport.randomMatrix(rows: m, columns: k, seed: 1)
        let b = TestSupport.randomMatrix(rows: k, columns: n, seed: 2)
        let c = a * b
        let reference = naive(a.storage.map(Double.init), b.storage.map(Double.init), m: m, n: n, k: k)
        for i in 0..<(m * n) { #expect(TestSupport.close(Double(c.storage[i]), reference[i], absolute: 1e-5, relative: 1e-5)) }
    }

    @Test func transposedOperandsInGemm() {
        // C = Aᵀ·B with A stored 6×4 (so op(A) is 4×6) and B 6×3.
        let a = TestSupport.randomMatrix(rows: 6, columns: 4, seed: 3)
        let b = TestSupport.randomMatrix(rows: 6, columns: 3, seed: 4)
        var c = [Float](repeating: 0, count: 12)
        a.storage.withUnsafeBufferPointer { ap in
            b.storage.withUnsafeBufferPointer { bp in
                c.withUnsafeMutableBufferPointer { cp in
                    BLAS.gemm(.transpose, .none, m: 4, n: 3, k: 6, alpha: 1, a: ap.baseAddress!, lda: 4, b: bp.baseAddress!, ldb: 3, beta: 0, c: cp.baseAddress!, ldc: 3)
                }
            }
        }
        let reference = naive(a.transposed.storage.map(Double.init), b.storage.map(Double.init), m: 4, n: 3, k: 6)
        for i in 0..<12 { #expect(TestSupport.close(Double(c[i]), reference[i], absolute: 1e-5)) }
    }

    @Test func doublePrecisionProduct() {
        let a = Matrix<Double>(rows: 2, columns: 3, storage: [1, 2, 3, 4, 5, 6])
        let b = Matrix<Double>(rows: 3, columns: 2, storage: [7, 8, 9, 10, 11, 12])
        #expect((a * b).storage == [58, 64, 139, 154])
    }

    @Test func vectorOperations() {
        #expect(BLAS.dot([1, 2, 3], [4, 5, 6]) == 32)
        var y = [1.0, 1, 1]
        BLAS.axpy(2, [1, 2, 3], &y)
        #expect(y == [3, 5, 7])
        BLAS.scale(0.5, &y)
        #expect(y == [1.5, 2.5, 3.5])
        #expect(TestSupport.close(BLAS.norm([3, 4]), 5))
        // dnrm2 must not overflow where a naive sum of squares would.
        #expect(TestSupport.close(BLAS.norm([1e200, 1e200]), 1e200 * 2.0.squareRoot(), relative: 1e-12))
    }

    @Test func choleskySolveRecoversAKnownSolution() throws {
        // A = LLᵀ with a known L; b = A·x.
        let l = Matrix<Double>(rows: 3, columns: 3, storage: [2, 0, 0, 1, 3, 0, -1, 0.5, 1.5])
        let a = l * l.transposed
        let x = Matrix<Double>(rows: 3, columns: 1, storage: [1, -2, 0.5])
        let solved = try BLAS.choleskySolve(a, a * x)
        for i in 0..<3 { #expect(TestSupport.close(solved.storage[i], x.storage[i], absolute: 1e-12)) }
        let factor = try BLAS.cholesky(a)
        for i in 0..<9 { #expect(TestSupport.close(factor.storage[i], l.storage[i], absolute: 1e-12)) }
    }

    @Test func choleskyRefusesAnIndefiniteMatrix() {
        let a = Matrix<Double>(rows: 2, columns: 2, storage: [1, 2, 2, 1])
        #expect(throws: BLAS.Failure.notPositiveDefinite(order: 2)) { try BLAS.choleskySolve(a, Matrix(rows: 2, columns: 1, storage: [1, 1])) }
    }
}
