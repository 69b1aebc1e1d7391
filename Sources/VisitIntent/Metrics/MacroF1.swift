import Foundation
import LinearAlgebra

/// Unweighted mean of per-class F1 over the classes present in the labels or predictions.
public struct MacroF1: Metric {
    public init() {}
    public var name: String { "macro_f1" }
    public var higherIsBetter: Bool { true }
    public func value(probabilities: Matrix<Double>, labels: [Int32]) -> Double? {
        guard !labels.isEmpty else { return nil }
        return ConfusionMatrix(predicted: predictedClasses(probabilities), actual: labels, classCount: probabilities.columns).macroF1
    }
}
