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
