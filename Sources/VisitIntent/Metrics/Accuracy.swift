import Foundation
import LinearAlgebra

/// Share of rows whose most probable class is the true one.
public struct Accuracy: Metric {
    public init() {}
    public var name: String { "accuracy" }
    public var higherIsBetter: Bool { true }
    public func value(probabilities: Matrix<Double>, labels: [Int32]) -> Double? {
        guard !labels.isEmpty else { return nil }
        let predicted = predictedClasses(probabilities)
        return Double(zip(predicted, labels).filter { $0 == $1 }.count) / Double(labels.count)
    }
}
