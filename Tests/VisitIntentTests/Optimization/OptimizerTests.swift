import LinearAlgebra
import Testing
import VisitIntent
import VisitIntentTestSupport

/// f(x) = Σ (x_i − i)² · (i + 1) + (x₀x₁)²: smooth, convex near the optimum.
struct Quadratic: TwiceDifferentiableObjective {
    var parameterCount: Int { 4 }
    func evaluate(_ x: [Double], gradient: inout [Double]) -> Double {
        var f = 0.0
        gradient = [Double](repeating: 0, count: 4)
        for i in 0..<4 {
            let d = x[i] - Double(i)
            f += d * d * Double(i + 1)
            gradient[i] = 2 * d * Double(i + 1)
        }
        return f
    }
    func hessian(_ x: [Double]) -> [Double] {
        var h = [Double](repeating: 0, count: 16)
        for i in 0..<4 { h[i * 4 + i] = 2 * Double(i + 1) }
        return h
    }
}

/// The Rosenbrock function, the classic test of a line search.
struct Rosenbrock: DifferentiableObjective {
    var parameterCount: Int { 2 }
    func evaluate(_ x: [Double], gradient: inout [Double]) -> Double {
        let a = 1 - x[0], b = x[1] - x[0] * x[0]
        gradient = [-2 * a - 400 * x[0] * b, 200 * b]
        return a * a + 100 * b * b
    }
}

@Suite struct OptimizerTests {
    @Test func lbfgsFindsTheMinimumOfAQuadratic() {
        var c = ConvergenceCriteria()
        c.gradientTolerance = 1e-10
        c.relativeLossTolerance = 0
        let r = LBFGS(criteria: c).minimize(Quadratic(), start: [5, 5, 5, 5])
        for i in 0..<4 { #expect(abs(r.parameters[i] - Double(i)) < 1e-8) }
        #expect(r.stopReason == .gradientTolerance)
    }

    @Test func lbfgsSolvesRosenbrock() {
        var c = ConvergenceCriteria()
        c.gradientTolerance = 1e-9
        let r = LBFGS(criteria: c).minimize(Rosenbrock(), start: [-1.2, 1])
        #expect(abs(r.parameters[0] - 1) < 1e-6 && abs(r.parameters[1] - 1) < 1e-6)
    }

    @Test func newtonConvergesInOneStepOnAQuadratic() {
        let r = NewtonSolver().minimize(Quadratic(), start: [5, -5, 5, -5])
        #expect(r.iterations <= 2)
        for i in 0..<4 { #expect(abs(r.parameters[i] - Double(i)) < 1e-8) }  // the 1e-10 ridge shifts the step slightly
    }

    @Test func owlqnReachesTheSoftThresholdingSolution() {
        // min Σ (i+1)(x_i − i)² + α|x_i| has the closed form x_i = sign(i)·max(0, i − α/(2(i+1))).
        let alpha = 3.0
        var c = ConvergenceCriteria()
        c.gradientTolerance = 1e-10
        let r = LBFGS(criteria: c).minimize(Quadratic(), start: [1, 1, 1, 1], l1: [alpha, alpha, alpha, alpha])
        for i in 0..<4 {
            let expected = max(0, Double(i) - alpha / (2 * Double(i + 1)))
            #expect(abs(r.parameters[i] - expected) < 1e-7, "x\(i) = \(r.parameters[i]), expected \(expected)")
        }
        #expect(r.parameters[0] == 0)  // an exact zero, not a small number
    }

    @Test func iterationCapIsReported() {
        var c = ConvergenceCriteria()
        c.maxIterations = 2
        c.gradientTolerance = 1e-14
        c.relativeLossTolerance = 0
        #expect(LBFGS(criteria: c).minimize(Rosenbrock(), start: [-1.2, 1]).stopReason == .iterationLimit)
    }
}
