import Foundation
import LinearAlgebra

/// A figure of merit for class probabilities against true classes. A new
/// metric is one new conforming type.
public protocol Metric: Sendable {
    var name: String { get }
    var higherIsBetter: Bool { get }
    /// `nil` where the metric is undefined (e.g. AUC with one class present).
    func value(probabilities: Matrix<Double>, labels: [Int32]) -> Double?
}

/// Index of the largest probability in each row (ties: the first class).
public func predictedClasses(_ p: Matrix<Double>) -> [Int32] {
    (0..<p.rows).map { r in
        var best = 0
        for c in 1..<max(p.columns, 1) where p[r, c] > p[r, best] { best = c }
        return Int32(best)
    }
}
