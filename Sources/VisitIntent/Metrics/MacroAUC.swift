import Foundation
import LinearAlgebra

/// Mean of the one-vs-rest AUCs that are defined.
public struct MacroAUC: Metric {
    public init() {}
    public var name: String { "macro_roc_auc" }
    public var higherIsBetter: Bool { true }
    public func value(probabilities: Matrix<Double>, labels: [Int32]) -> Double? {
        let values = (0..<probabilities.columns).compactMap { OneVsRestAUC(classIndex: $0).value(probabilities: probabilities, labels: labels) }
        return values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
    }
}
