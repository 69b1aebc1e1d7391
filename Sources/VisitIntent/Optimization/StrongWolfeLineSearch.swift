/// A line search that returns a step satisfying the strong Wolfe conditions
///
///     f(x + αd) ≤ f(x) + c₁ α ∇f(x)ᵀd        (sufficient decrease)
///     |∇f(x + αd)ᵀd| ≤ c₂ |∇f(x)ᵀd|          (curvature)
///
/// by bracketing and zooming with safeguarded cubic interpolation
/// (Nocedal & Wright, *Numerical Optimization*, 2nd ed., Algorithms 3.5–3.6).
struct StrongWolfeLineSearch {
    var c1 = 1e-4
    var c2 = 0.9
    var maxEvaluations = 40

    struct Point {
        var alpha: Double
        var f: Double
        var slope: Double
        var x: [Double]
        var g: [Double]
    }

    /// Searches along `d` from `x` (with `f0`, `slope0 = ∇f(x)ᵀd < 0`).
    /// Returns the accepted point and the number of evaluations, or `nil`
    /// when no step decreased `f` sufficiently.
    func search<O: DifferentiableObjective>(_ objective: O, x: [Double], f0: Double, slope0: Double, d: [Double],
                                            initialStep: Double) -> (Point, Int)? {
        var evaluations = 0
        var best: Point? = nil
        func evaluate(_ alpha: Double) -> Point {
            var xn = x
            for i in 0..<xn.count { xn[i] += alpha * d[i] }
            var g = [Double](repeating: 0, count: x.count)
            let f = objective.evaluate(xn, gradient: &g)
            evaluations += 1
            var s = 0.0
            for i in 0..<g.count { s += g[i] * d[i] }
            let p = Point(alpha: alpha, f: f, slope: s, x: xn, g: g)
            if f.isFinite && f <= f0 + c1 * alpha * slope0 && (best == nil || f < best!.f) { best = p }
            return p
        }
        func sufficient(_ p: Point) -> Bool { p.f.isFinite && p.f <= f0 + c1 * p.alpha * slope0 }
        /// Algorithm 3.6: shrink the bracket [lo, hi] that holds a strong-Wolfe step.
        func zoom(_ lo: Point, _ hi: Point) -> (Point, Int)? {
            var lo = lo, hi = hi
            while evaluations < maxEvaluations {
                let a = min(lo.alpha, hi.alpha), b = max(lo.alpha, hi.alpha)
                if b - a < 1e-16 * max(1, b) { break }
                var alpha = cubicMinimizer(lo, hi) ?? (lo.alpha + hi.alpha) / 2
                let margin = 0.1 * (b - a)
                if !(alpha > a + margin && alpha < b - margin) { alpha = (lo.alpha + hi.alpha) / 2 }
                let p = evaluate(alpha)
                if !sufficient(p) || p.f >= lo.f {
                    hi = p
                } else {
                    if abs(p.slope) <= -c2 * slope0 { return (p, evaluations) }
                    if p.slope * (hi.alpha - lo.alpha) >= 0 { hi = lo }
                    lo = p
                }
            }
            return best.map { ($0, evaluations) }
        }
        var previous = Point(alpha: 0, f: f0, slope: slope0, x: x, g: [])
        var alpha = initialStep
        var i = 0
        while evaluations < maxEvaluations {
            let current = evaluate(alpha)
            if !current.f.isFinite {
                alpha = (previous.alpha + alpha) / 2
                continue
            }
            if !sufficient(current) || (i > 0 && current.f >= previous.f) { return zoom(previous, current) }
            if abs(current.slope) <= -c2 * slope0 { return (current, evaluations) }
            if current.slope >= 0 { return zoom(current, previous) }
            previous = current
            alpha *= 2.5
            i += 1
        }
        return best.map { ($0, evaluations) }
    }

    /// Minimiser of the cubic interpolating f and f' at two points (N&W eq. 3.59).
    private func cubicMinimizer(_ p: Point, _ q: Point) -> Double? {
        let d1 = p.slope + q.slope - 3 * (p.f - q.f) / (p.alpha - q.alpha)
        let disc = d1 * d1 - p.slope * q.slope
        guard disc >= 0 else { return nil }
        let d2 = (q.alpha > p.alpha ? 1.0 : -1.0) * disc.squareRoot()
        let denom = q.slope - p.slope + 2 * d2
        guard denom != 0 else { return nil }
        let r = q.alpha - (q.alpha - p.alpha) * (q.slope + d2 - d1) / denom
        return r.isFinite ? r : nil
    }
}
