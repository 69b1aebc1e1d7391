import Foundation

/// A loss for gradient boosting: it gives the starting raw scores, the
/// gradient and Hessian of each row's loss with respect to one raw-score
/// column, and turns raw scores into probabilities. A new objective is one
/// new conforming type.
public protocol BoostingObjective: Sendable {
    /// Raw-score columns (trees per round): 1 for binary, K for K classes.
    var outputs: Int { get }
    /// Raw scores before any tree, from the weighted class frequencies.
    func initialScores(y: [Int32], weights: [Double]?) -> [Double]
    /// Writes `g[r]`, `h[r]` of column `column` for each row `r` in `rows`
    /// (times its weight); the trainer hands disjoint row ranges to threads.
    func gradients(scores: UnsafePointer<Double>, y: UnsafePointer<Int32>, weights: UnsafePointer<Double>?, column: Int,
                   rows: Range<Int>, g: UnsafeMutablePointer<Float>, h: UnsafeMutablePointer<Float>)
    /// Probabilities (`classCount` values) from one row's raw scores.
    func probabilities(_ raw: UnsafePointer<Double>, into p: UnsafeMutablePointer<Double>)
}
