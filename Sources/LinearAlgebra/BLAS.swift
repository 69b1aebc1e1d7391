import CBLAS
#if canImport(Glibc)
import Glibc
#endif

/// The one thin layer over OpenBLAS and LAPACKE.
///
/// Every BLAS or LAPACK call in the project goes through here, so that the C
/// modules stay out of every other target and each call is tested once
/// (`Tests/LinearAlgebraTests`). Pointers are row-major, like `Matrix`.
public enum BLAS {
    /// Whether a matrix operand is used as stored or transposed.
    public enum Transpose: Sendable { case none, transpose
        @usableFromInline var cblas: CBLAS_TRANSPOSE { self == .none ? CblasNoTrans : CblasTrans }
    }

    /// Pins OpenBLAS to `count` threads.
    ///
    /// The project parallelises over row blocks itself and reduces the blocks
    /// in a fixed order, which keeps results identical whatever the thread
    /// count; OpenBLAS's own threading is therefore set to 1 by callers that
    /// care about determinism.
    public static func setThreads(_ count: Int) { openblas_set_num_threads(Int32(max(1, count))) }

    /// Stops OpenBLAS's worker threads. A threaded OpenBLAS starts them when it
    /// is loaded, and each spins on `sched_yield` for about 0.1 s waiting for
    /// work (80 ms of CPU a process, measured) that never comes here: every
    /// caller runs BLAS on one thread. In a 1.3 s batch-scoring run on two
    /// cores that spin took the CPU from the reading threads. OpenBLAS starts
    /// them again if a threaded call (or `setThreads`, as training does) comes.
    /// Call it first thing in a process: it does not wait for threaded work in
    /// flight (so no unit test calls it; the CLI tests run `intent`, which
    /// does). Found at run time: a serial build has no such function, and
    /// then nothing is done.
    public static func stopIdleThreads() {
        #if canImport(Glibc)
        typealias Shutdown = @convention(c) () -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "blas_thread_shutdown_") else { return }
        _ = unsafeBitCast(symbol, to: Shutdown.self)()
        #endif
    }

    /// `C ← α·op(A)·op(B) + β·C` in single precision (`sgemm`).
    /// `op(A)` is `m × k`, `op(B)` is `k × n`, `C` is `m × n`; `lda`, `ldb`,
    /// `ldc` are the row strides of the stored matrices.
    @inlinable
    public static func gemm(_ transA: Transpose, _ transB: Transpose, m: Int, n: Int, k: Int,
                            alpha: Float, a: UnsafePointer<Float>, lda: Int,
                            b: UnsafePointer<Float>, ldb: Int,
                            beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        cblas_sgemm(CblasRowMajor, transA.cblas, transB.cblas, Int32(m), Int32(n), Int32(k),
                    alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// `C ← α·op(A)·op(B) + β·C` in double precision (`dgemm`).
    @inlinable
    public static func gemm(_ transA: Transpose, _ transB: Transpose, m: Int, n: Int, k: Int,
                            alpha: Double, a: UnsafePointer<Double>, lda: Int,
                            b: UnsafePointer<Double>, ldb: Int,
                            beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int) {
        cblas_dgemm(CblasRowMajor, transA.cblas, transB.cblas, Int32(m), Int32(n), Int32(k),
                    alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// `xᵀy` (`ddot`).
    public static func dot(_ x: [Double], _ y: [Double]) -> Double {
        precondition(x.count == y.count, "dot: lengths differ")
        return cblas_ddot(Int32(x.count), x, 1, y, 1)
    }

    /// `y ← α·x + y` (`daxpy`).
    public static func axpy(_ alpha: Double, _ x: [Double], _ y: inout [Double]) {
        precondition(x.count == y.count, "axpy: lengths differ")
        cblas_daxpy(Int32(x.count), alpha, x, 1, &y, 1)
    }

    /// `x ← α·x` (`dscal`).
    public static func scale(_ alpha: Double, _ x: inout [Double]) {
        cblas_dscal(Int32(x.count), alpha, &x, 1)
    }

    /// `‖x‖₂` (`dnrm2`), computed without overflow.
    public static func norm(_ x: [Double]) -> Double { cblas_dnrm2(Int32(x.count), x, 1) }

    /// Errors LAPACK reports through its `info` code.
    public enum Failure: Error, Equatable, CustomStringConvertible {
        /// The leading minor of this order is not positive definite.
        case notPositiveDefinite(order: Int)
        case illegalArgument(index: Int)
        public var description: String {
            switch self {
            case .notPositiveDefinite(let order): return "matrix is not positive definite (leading minor of order \(order))"
            case .illegalArgument(let index): return "LAPACK argument \(index) is illegal"
            }
        }
    }

    /// Solves `A·X = B` for symmetric positive-definite `A` (`n × n`) by
    /// Cholesky factorisation (`dposv`): `A = LLᵀ`, then two triangular solves.
    /// Returns `X` (`n × nrhs`, row-major); `A` and `B` are not modified.
    public static func choleskySolve(_ a: Matrix<Double>, _ b: Matrix<Double>) throws -> Matrix<Double> {
        precondition(a.rows == a.columns && b.rows == a.rows, "choleskySolve: shape mismatch")
        var factor = a.storage
        var x = b.storage
        let info = LAPACKE_dposv(LAPACK_ROW_MAJOR, Int8(UInt8(ascii: "L")), Int32(a.rows), Int32(b.columns),
                                 &factor, Int32(a.rows), &x, Int32(b.columns))
        if info > 0 { throw Failure.notPositiveDefinite(order: Int(info)) }
        if info < 0 { throw Failure.illegalArgument(index: Int(-info)) }
        return Matrix(rows: b.rows, columns: b.columns, storage: x)
    }

    /// The Cholesky factor `L` (lower triangular, `A = LLᵀ`) via `dpotrf`.
    public static func cholesky(_ a: Matrix<Double>) throws -> Matrix<Double> {
        precondition(a.rows == a.columns, "cholesky: matrix must be square")
        var factor = a.storage
        let info = LAPACKE_dpotrf(LAPACK_ROW_MAJOR, Int8(UInt8(ascii: "L")), Int32(a.rows), &factor, Int32(a.rows))
        if info > 0 { throw Failure.notPositiveDefinite(order: Int(info)) }
        if info < 0 { throw Failure.illegalArgument(index: Int(-info)) }
        for r in 0..<a.rows { for c in (r + 1)..<max(r + 1, a.columns) { factor[r * a.columns + c] = 0 } }
        return Matrix(rows: a.rows, columns: a.columns, storage: factor)
    }
}

extension Matrix where Scalar == Float {
    /// `self · other` through `sgemm`.
    public static func * (lhs: Matrix, rhs: Matrix) -> Matrix {
        precondition(lhs.columns == rhs.rows, "matrix product: \(lhs.rows)×\(lhs.columns) · \(rhs.rows)×\(rhs.columns)")
        var c = Matrix(rows: lhs.rows, columns: rhs.columns)
        if lhs.rows == 0 || rhs.columns == 0 { return c }
        if lhs.columns == 0 { return c }
        lhs.storage.withUnsafeBufferPointer { a in
            rhs.storage.withUnsafeBufferPointer { b in
                c.storage.withUnsafeMutableBufferPointer { cp in
                    BLAS.gemm(.none, .none, m: lhs.rows, n: rhs.columns, k: lhs.columns, alpha: 1,
                              a: a.baseAddress!, lda: lhs.columns, b: b.baseAddress!, ldb: rhs.columns,
                              beta: 0, c: cp.baseAddress!, ldc: rhs.columns)
                }
            }
        }
        return c
    }
}

extension Matrix where Scalar == Double {
    /// `self · other` through `dgemm`.
    public static func * (lhs: Matrix, rhs: Matrix) -> Matrix {
        precondition(lhs.columns == rhs.rows, "matrix product: \(lhs.rows)×\(lhs.columns) · \(rhs.rows)×\(rhs.columns)")
        var c = Matrix(rows: lhs.rows, columns: rhs.columns)
        if lhs.rows == 0 || rhs.columns == 0 || lhs.columns == 0 { return c }
        lhs.storage.withUnsafeBufferPointer { a in
            rhs.storage.withUnsafeBufferPointer { b in
                c.storage.withUnsafeMutableBufferPointer { cp in
                    BLAS.gemm(.none, .none, m: lhs.rows, n: rhs.columns, k: lhs.columns, alpha: 1,
                              a: a.baseAddress!, lda: lhs.columns, b: b.baseAddress!, ldb: rhs.columns,
                              beta: 0, c: cp.baseAddress!, ldc: rhs.columns)
                }
            }
        }
        return c
    }
}
