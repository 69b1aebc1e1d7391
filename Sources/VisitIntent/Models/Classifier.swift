import LinearAlgebra

/// A fitted model that turns feature rows into class probabilities.
///
/// The seam every model plugs into: scoring, evaluation, reports and the
/// service use only this. Probability columns follow `classes`; each row
/// sums to 1.
public protocol Classifier: Sendable, Encodable {
    /// The model's kind as written in model files (`logistic`, `gbdt`…).
    var kind: String { get }
    /// Class names, in the order of probability columns.
    var classes: [String] { get }
    /// How to rebuild the model's feature vectors from events; `nil` for a
    /// model trained on a ready-made feature table.
    var featureSpec: FeatureSpec? { get }
    /// The input columns, in order.
    var featureColumns: [FeatureColumn] { get }
    /// `rows × classes` probabilities for `rows × features` inputs, before any calibration.
    func uncalibratedProbabilities(_ x: Matrix<Float>, threads: Int) throws -> Matrix<Double>
    /// Calibration fitted on held-out data at training time, if asked for.
    var calibration: Calibration? { get }
    /// A Markdown model card: what the model is, what it learned, how it did.
    func card() -> String
    /// Metrics measured at training time on held-out data, if any.
    var validation: ValidationSummary? { get }
    /// How much each input column matters.
    func columnImportance() -> ColumnImportance
    /// Each column's additive contribution to each logit for one row (linear:
    /// standardised value × coefficient; trees: exact TreeSHAP), for reason codes.
    func explain(_ row: [Float]) -> Explanation
}

extension Classifier {
    /// `rows × classes` probabilities for `rows × features` inputs (calibrated when the model is).
    public func predictProbabilities(_ x: Matrix<Float>, threads: Int) throws -> Matrix<Double> {
        var p = try uncalibratedProbabilities(x, threads: threads)
        calibration?.apply(&p)
        return p
    }

    /// Checks the input width against the model's features.
    public func checkWidth(_ x: Matrix<Float>) throws {
        if x.columns != featureColumns.count {
            throw FeatureSpecError.columnCount(expected: featureColumns.count, got: x.columns)
        }
    }

    /// The feature spec, or an error saying the model cannot read events.
    public func requireFeatureSpec() throws -> FeatureSpec {
        guard let spec = featureSpec else { throw FeatureSpecError.noEventSpec }
        return spec
    }
}
