/// Additive contributions of a row's columns to a model's logits.
///
/// `values[k][j]` is column `j`'s contribution to logit `k`. With two classes
/// a model has one logit, for `classes[1]` against `classes[0]`.
public struct Explanation: Sendable, Equatable {
    /// The columns contributions belong to (a categorical column's levels are separate columns).
    public var columns: [FeatureColumn]
    /// Each column's input value.
    public var inputs: [Float]
    public var values: [[Double]]

    public init(columns: [FeatureColumn], inputs: [Float], values: [[Double]]) {
        self.columns = columns
        self.inputs = inputs
        self.values = values
    }

    /// How much each column pushed class `c` against the others: its
    /// contribution to `c`'s logit minus the mean over logits (softmax ignores
    /// a shift common to all logits), or ± the single logit's for two classes.
    public func push(toward c: Int, classCount: Int) -> [Double] {
        if values.count == 1 { return values[0].map { c == 1 ? $0 : -$0 } }
        return columns.indices.map { j in
            let mean = values.reduce(0) { $0 + $1[j] } / Double(values.count)
            return values[c][j] - mean
        }
    }
}

extension LogisticRegressionModel {
    public func explain(_ row: [Float]) -> Explanation {
        let inputs = oneHot.map { $0.expand(.init(rows: 1, columns: row.count, storage: row)).storage } ?? row
        return Explanation(columns: coefficientColumns, inputs: inputs, values: contributions(row))
    }
}

extension GradientBoostingModel {
    public func explain(_ row: [Float]) -> Explanation {
        // Drop TreeSHAP's last entry (the expected value): it belongs to no column.
        Explanation(columns: featureColumns, inputs: row, values: contributions(row).map { Array($0.dropLast()) })
    }
}
