import LinearAlgebra
import Testing
import VisitIntent
import VisitIntentTestSupport

@Suite struct SoftmaxCrossEntropyTests {
    func objective(classes: Int, weighted: Bool, lambda: Double = 0.05) -> SoftmaxCrossEntropy {
        let data = TestSupport.syntheticClassification(rows: 300, features: 5, classes: classes, seed: 21)
        var rng = SeededGenerator(seed: 4)
        let w: [Double]? = weighted ? (0..<300).map { _ in 0.5 + rng.uniform() } : nil
        return SoftmaxCrossEntropy(x: data.x, y: data.y, weights: w, classCount: classes, lambda: lambda, threads: 2)
    }

    func randomTheta(_ n: Int) -> [Double] {
        var rng = SeededGenerator(seed: 77)
        return (0..<n).map { _ in rng.normal() * 0.5 }
    }

    @Test(arguments: [(2, false), (3, false), (3, true), (5, true)])
    func gradientMatchesCentralDifferences(classes: Int, weighted: Bool) {
        let f = objective(classes: classes, weighted: weighted)
        let theta = randomTheta(f.parameterCount)
        var g = [Double]()
        _ = f.evaluate(theta, gradient: &g)
        let h = 1e-3
        var scratch = [Double]()
        for i in 0..<f.parameterCount {
            var plus = theta, minus = theta
            plus[i] += h; minus[i] -= h
            let numeric = (f.evaluate(plus, gradient: &scratch) - f.evaluate(minus, gradient: &scratch)) / (2 * h)
            #expect(TestSupport.close(g[i], numeric, absolute: 2e-4, relative: 1e-3), "parameter \(i): analytic \(g[i]) numeric \(numeric)")
        }
    }

    @Test(arguments: [2, 3])
    func hessianMatchesDifferencesOfTheGradient(classes: Int) {
        let f = objective(classes: classes, weighted: true)
        let theta = randomTheta(f.parameterCount)
        let hess = f.hessian(theta)
        let p = f.parameterCount
        let h = 1e-3
        for i in 0..<p {
            var plus = theta, minus = theta
            plus[i] += h; minus[i] -= h
            var gp = [Double](), gm = [Double]()
            _ = f.evaluate(plus, gradient: &gp)
            _ = f.evaluate(minus, gradient: &gm)
            for j in 0..<p {
                let numeric = (gp[j] - gm[j]) / (2 * h)
                #expect(TestSupport.close(hess[j * p + i], numeric, absolute: 5e-4, relative: 2e-3), "H[\(j),\(i)]")
            }
        }
    }

    @Test func lossIsTheMeanNegativeLogLikelihoodAtZero() {
        // With θ = 0 every class has probability 1/K: f = log K.
        let f = objective(classes: 4, weighted: false)
        var g = [Double]()
        #expect(TestSupport.close(f.evaluate([Double](repeating: 0, count: f.parameterCount), gradient: &g), Foundation.log(4.0), absolute: 1e-12))
    }

    @Test func extremeLogitsStayFinite() {
        let x = Matrix<Float>(rows: 2, columns: 1, storage: [1000, -1000])
        let f = SoftmaxCrossEntropy(x: x, y: [0, 1], weights: nil, classCount: 3, lambda: 0, threads: 1)
        var g = [Double]()
        let value = f.evaluate([1, 0, -1, 0, 0, 0], gradient: &g)
        #expect(value.isFinite && g.allSatisfy(\.isFinite))
        // Row 0: logits (1000, 0, −1000), label 0 → loss 0; row 1: (−1000, 0, 1000), label 1 → 1000. Mean 500.
        #expect(TestSupport.close(value, 500, relative: 1e-6))
    }
}

import Foundation
