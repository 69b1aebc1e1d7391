/// Limited-memory BFGS (Nocedal & Wright, *Numerical Optimization*, 2nd ed.,
/// Algorithm 7.4, two-loop recursion; initial scaling γ = sᵀy / yᵀy), with a
/// strong-Wolfe line search.
///
/// With an L1 penalty `Σ αᵢ|θᵢ|` it runs OWL-QN (Andrew & Gao 2007,
/// "Scalable training of L1-regularized log-linear models"): the
/// quasi-Newton direction is computed from the pseudo-gradient, constrained
/// to the orthant the current point is in, and a backtracking search projects
/// each trial point back onto that orthant, so coefficients reach exact zeros.
public struct LBFGS: Sendable {
    public var memory = 10
    public var criteria = ConvergenceCriteria()

    public init(memory: Int = 10, criteria: ConvergenceCriteria = ConvergenceCriteria()) {
        self.memory = memory
        self.criteria = criteria
    }

    /// Minimises `objective` (+ `Σ l1ᵢ|θᵢ|` when `l1` is given) from `start`.
    /// `onIteration(iteration, objective)` reports progress.
    public func minimize<O: DifferentiableObjective>(_ objective: O, start: [Double], l1: [Double]? = nil,
                                                     onIteration: ((Int, Double) -> Void)? = nil) -> OptimizationResult {
        let n = start.count
        var x = start
        var g = [Double](repeating: 0, count: n)
        var f = objective.evaluate(x, gradient: &g)
        var evaluations = 1
        let hasL1 = l1.map { $0.contains { $0 > 0 } } ?? false
        let alphas = l1 ?? [Double](repeating: 0, count: n)
        func l1Value(_ v: [Double]) -> Double {
            guard hasL1 else { return 0 }
            var s = 0.0
            for i in 0..<n { s += alphas[i] * abs(v[i]) }
            return s
        }
        func pseudoGradient(_ v: [Double], _ grad: [Double]) -> [Double] {
            guard hasL1 else { return grad }
            var pg = grad
            for i in 0..<n where alphas[i] > 0 {
                if v[i] > 0 { pg[i] = grad[i] + alphas[i] }
                else if v[i] < 0 { pg[i] = grad[i] - alphas[i] }
                else if grad[i] + alphas[i] < 0 { pg[i] = grad[i] + alphas[i] }
                else if grad[i] - alphas[i] > 0 { pg[i] = grad[i] - alphas[i] }
                else { pg[i] = 0 }
            }
            return pg
        }
        func maxAbs(_ v: [Double]) -> Double { v.reduce(0) { max($0, abs($1)) } }

        var total = f + l1Value(x)
        var pg = pseudoGradient(x, g)
        var sList: [[Double]] = [], yList: [[Double]] = [], rhoList: [Double] = []
        if maxAbs(pg) <= criteria.gradientTolerance {
            return OptimizationResult(parameters: x, objective: total, gradientNorm: maxAbs(pg), iterations: 0, evaluations: 1, stopReason: .gradientTolerance)
        }
        let lineSearch = StrongWolfeLineSearch()
        var iteration = 0
        while iteration < criteria.maxIterations {
            iteration += 1
            // Two-loop recursion: d = −H·pg.
            var q = pg
            var a = [Double](repeating: 0, count: sList.count)
            for k in stride(from: sList.count - 1, through: 0, by: -1) {
                a[k] = rhoList[k] * dot(sList[k], q)
                for i in 0..<n { q[i] -= a[k] * yList[k][i] }
            }
            if let s = sList.last, let y = yList.last {
                let gamma = dot(s, y) / dot(y, y)
                for i in 0..<n { q[i] *= gamma }
            }
            for k in 0..<sList.count {
                let beta = rhoList[k] * dot(yList[k], q)
                for i in 0..<n { q[i] += sList[k][i] * (a[k] - beta) }
            }
            var d = q.map { -$0 }
            if hasL1 { for i in 0..<n where d[i] * pg[i] >= 0 { d[i] = 0 } }
            var slope = dot(pg, d)
            if !(slope < 0) {
                // Not a descent direction: drop the memory and use steepest descent.
                sList.removeAll(); yList.removeAll(); rhoList.removeAll()
                d = pg.map { -$0 }
                slope = -dot(pg, pg)
            }
            let initial = sList.isEmpty ? min(1, 1 / max(dot(pg, pg).squareRoot(), 1e-12)) : 1
            var xn: [Double], gn: [Double], fn: Double
            if hasL1 {
                guard let step = owlqnStep(objective, x: x, total: total, pg: pg, d: d, initial: initial, alphas: alphas, l1Value: l1Value, evaluations: &evaluations) else {
                    if !sList.isEmpty { sList.removeAll(); yList.removeAll(); rhoList.removeAll(); continue }
                    return OptimizationResult(parameters: x, objective: total, gradientNorm: maxAbs(pg), iterations: iteration, evaluations: evaluations, stopReason: .lineSearchFailed)
                }
                (xn, gn, fn) = step
            } else {
                guard let (point, used) = lineSearch.search(objective, x: x, f0: f, slope0: slope, d: d, initialStep: initial) else {
                    evaluations += lineSearch.maxEvaluations
                    if !sList.isEmpty { sList.removeAll(); yList.removeAll(); rhoList.removeAll(); continue }
                    return OptimizationResult(parameters: x, objective: total, gradientNorm: maxAbs(pg), iterations: iteration, evaluations: evaluations, stopReason: .lineSearchFailed)
                }
                evaluations += used
                (xn, gn, fn) = (point.x, point.g, point.f)
            }
            var s = [Double](repeating: 0, count: n), y = [Double](repeating: 0, count: n)
            for i in 0..<n { s[i] = xn[i] - x[i]; y[i] = gn[i] - g[i] }
            let sy = dot(s, y)
            if sy > 1e-12 * dot(y, y) && sy > 0 {
                sList.append(s); yList.append(y); rhoList.append(1 / sy)
                if sList.count > memory { sList.removeFirst(); yList.removeFirst(); rhoList.removeFirst() }
            }
            let newTotal = fn + l1Value(xn)
            let change = (total - newTotal) / max(abs(total), abs(newTotal), 1)
            x = xn; g = gn; f = fn; total = newTotal
            pg = pseudoGradient(x, g)
            onIteration?(iteration, total)
            let norm = maxAbs(pg)
            if norm <= criteria.gradientTolerance {
                return OptimizationResult(parameters: x, objective: total, gradientNorm: norm, iterations: iteration, evaluations: evaluations, stopReason: .gradientTolerance)
            }
            if change >= 0 && change <= criteria.relativeLossTolerance {
                return OptimizationResult(parameters: x, objective: total, gradientNorm: norm, iterations: iteration, evaluations: evaluations, stopReason: .relativeLossChange)
            }
        }
        return OptimizationResult(parameters: x, objective: total, gradientNorm: maxAbs(pg), iterations: iteration, evaluations: evaluations, stopReason: .iterationLimit)
    }

    /// OWL-QN's projected backtracking step.
    private func owlqnStep<O: DifferentiableObjective>(_ objective: O, x: [Double], total: Double, pg: [Double], d: [Double], initial: Double,
                                                       alphas: [Double], l1Value: ([Double]) -> Double, evaluations: inout Int) -> ([Double], [Double], Double)? {
        let n = x.count
        var orthant = [Double](repeating: 0, count: n)
        for i in 0..<n { orthant[i] = x[i] != 0 ? (x[i] > 0 ? 1 : -1) : (pg[i] < 0 ? 1 : (pg[i] > 0 ? -1 : 0)) }
        var t = initial
        for _ in 0..<60 {
            var xn = x
            for i in 0..<n {
                xn[i] += t * d[i]
                // Penalised coordinates may not leave their orthant: crossing zero stops at zero.
                if alphas[i] > 0 && xn[i] * orthant[i] <= 0 { xn[i] = 0 }
            }
            var gn = [Double](repeating: 0, count: n)
            let fn = objective.evaluate(xn, gradient: &gn)
            evaluations += 1
            var decrease = 0.0
            for i in 0..<n { decrease += pg[i] * (xn[i] - x[i]) }
            if fn.isFinite && fn + l1Value(xn) <= total + 1e-4 * decrease { return (xn, gn, fn) }
            t *= 0.5
        }
        return nil
    }

    @inline(__always)
    private func dot(_ a: [Double], _ b: [Double]) -> Double {
        var s = 0.0
        for i in 0..<a.count { s += a[i] * b[i] }
        return s
    }
}
