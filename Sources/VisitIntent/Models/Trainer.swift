/// Learns a `Classifier` from labelled feature rows: all the work happens in
/// `fit`, hyperparameters live in the trainer's configuration, and the only
/// randomness comes from `seed` (the scikit-learn estimator contract).
public protocol Trainer: Sendable {
    associatedtype Model: Classifier
    func fit(_ data: TrainingData, featureSpec: FeatureSpec?, seed: UInt64, progress: Progress?) throws -> (Model, TrainingRecord)
}

/// Errors a trainer reports about its data.
public enum TrainingError: Error, CustomStringConvertible, Equatable {
    case tooFewClasses([String])
    case noRows
    case unknownClassWeight(String)
    case classOnlyInValidation([String])
    /// A setting or a data set the trainer cannot work with; the text says why.
    case invalid(String)

    public var description: String {
        switch self {
        case .tooFewClasses(let c): "training needs at least two classes; the labelled sessions have \(c.isEmpty ? "none" : c.joined(separator: ", "))"
        case .noRows: "no labelled session to train on"
        case .unknownClassWeight(let c): "--class-weight names '\(c)', which is not a class of the training data"
        case .classOnlyInValidation(let c): "class(es) \(c.joined(separator: ", ")) appear only in the validation data: the model cannot learn them; add training sessions of that class or drop them from the validation labels"
        case .invalid(let d): d
        }
    }
}
