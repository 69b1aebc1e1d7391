import Foundation
import LinearAlgebra

/// Mean negative log-likelihood of the true class, probabilities clipped at 1e-15.
public struct LogLoss: Metric {
    public init() {}
    public var name: String { "log_loss" }
    public var higherIsBetter: Bool { false }
    public func value(probabilities: Matrix<Double>, labels: [Int32]) -> Double? {
        guard !labels.isEmpty else { return nil }
        var s = 0.0
        for (r, y) in labels.enumerated() { s -= log(max(probabilities[r, Int(y)], 1e-15)) }
        return s / Double(labels.count)
    }
}
