import LinearAlgebra

/// Newton's method with a Cholesky solve (`dposv`) of `(∇²f + μI)Δ = −∇f`
/// and a backtracking (Armijo) step. Quadratic convergence near the optimum
/// makes it the precise choice when parameters are few; each iteration costs
/// O(n·p²) for the Hessian and O(p³) for the solve.
///
/// μ is a tiny ridge (1e-10 × the largest diagonal entry): softmax intercepts
/// are defined only up to a common constant, so the exact Hessian is singular
/// along that direction, and the gradient is orthogonal to it, so the ridge
/// changes no step in any other direction.
public struct NewtonSolver: Sendable {
    public var criteria = ConvergenceCriteria()

    public init(criteria: ConvergenceCriteria = ConvergenceCriteria()) { self.criteria = criteria }

    public func minimize<O: TwiceDifferentiableObjective>(_ objective: O, start: [Double], onIteration: ((Int, Double) -> Void)? = nil) -> OptimizationResult {
        let p = start.count
        var x = start
        var g = [Double](repeating: 0, count: p)
        var f = objective.evaluate(x, gradient: &g)
        var evaluations = 1
        func maxAbs(_ v: [Double]) -> Double { v.reduce(0) { max($0, abs($1)) } }
        var iteration = 0
        while iteration < criteria.maxIterations {
            if maxAbs(g) <= criteria.gradientTolerance {
                return OptimizationResult(parameters: x, objective: f, gradientNorm: maxAbs(g), iterations: iteration, evaluations: evaluations, stopReason: .gradientTolerance)
            }
            iteration += 1
            var h = objective.hessian(x)
            var largest = 0.0
            for i in 0..<p { largest = max(largest, h[i * p + i]) }
            let ridge = max(largest, 1) * 1e-10
            for i in 0..<p { h[i * p + i] += ridge }
            let step: Matrix<Double>
            do {
                step = try BLAS.choleskySolve(Matrix(rows: p, columns: p, storage: h), Matrix(rows: p, columns: 1, storage: g.map { -$0 }))
            } catch {
                return OptimizationResult(parameters: x, objective: f, gradientNorm: maxAbs(g), iterations: iteration, evaluations: evaluations, stopReason: .choleskyFailed)
            }
            let d = step.storage
            var slope = 0.0
            for i in 0..<p { slope += g[i] * d[i] }
            var t = 1.0
            var accepted = false
            var xn = x, gn = g, fn = f
            for _ in 0..<50 {
                for i in 0..<p { xn[i] = x[i] + t * d[i] }
                fn = objective.evaluate(xn, gradient: &gn)
                evaluations += 1
                if fn.isFinite && fn <= f + 1e-4 * t * slope { accepted = true; break }
                t *= 0.5
            }
            if !accepted {
                return OptimizationResult(parameters: x, objective: f, gradientNorm: maxAbs(g), iterations: iteration, evaluations: evaluations, stopReason: .lineSearchFailed)
            }
            let change = (f - fn) / max(abs(f), abs(fn), 1)
            x = xn; g = gn; f = fn
            onIteration?(iteration, f)
            if maxAbs(g) <= criteria.gradientTolerance {
                return OptimizationResult(parameters: x, objective: f, gradientNorm: maxAbs(g), iterations: iteration, evaluations: evaluations, stopReason: .gradientTolerance)
            }
            if change >= 0 && change <= criteria.relativeLossTolerance {
                return OptimizationResult(parameters: x, objective: f, gradientNorm: maxAbs(g), iterations: iteration, evaluations: evaluations, stopReason: .relativeLossChange)
            }
        }
        return OptimizationResult(parameters: x, objective: f, gradientNorm: maxAbs(g), iterations: iteration, evaluations: evaluations, stopReason: .iterationLimit)
    }
}
