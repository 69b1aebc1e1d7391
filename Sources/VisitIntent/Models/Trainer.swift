/// Learns a `Classifier` from labelled feature rows: all the work happens in
/// `fit`, hyperparameters live in the trainer's configuration, and the only
/// randomness comes from `seed` (the scikit-learn estimator contract).
public protocol Trainer: Sendable {
    associatedtype Model: Classifier
    func fit(_ data: TrainingData, featureSpec: FeatureSpec?, seed: UInt64, progress: Progress?) throws -> (Model, TrainingRecord)
}

/// How a model was trained, stored in its file. Holds no time stamps or
/// durations, so the same inputs give the same bytes.
public struct TrainingRecord: Codable, Sendable, Equatable {
    public var rows: Int
    public var classCounts: [String: Int]
    public var dataFingerprint: String
    public var iterations: Int
    public var evaluations: Int
    public var stopReason: String
    public var objective: Double
    public var gradientNorm: Double
    public var seed: UInt64

    enum CodingKeys: String, CodingKey {
        case rows
        case classCounts = "class_counts"
        case dataFingerprint = "data_fingerprint"
        case iterations, evaluations
        case stopReason = "stop_reason"
        case objective
        case gradientNorm = "gradient_norm"
        case seed
    }
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
