/// Choices made when a feature spec is fitted to training data.
public struct FeatureConfiguration: Codable, Sendable, Equatable {
    /// Buckets for hashed topic-transition bigrams.
    public var bigramBuckets = 32
    /// Buckets for hashed URL path tokens.
    public var pathTokenBuckets = 64
    /// At most this many levels of a visitor attribute get a column; the rest are "other".
    public var maxLevels = 20
    /// A level needs this many distinct visitors in the training data to get a column.
    public var minLevelSessions = 5
    public var sessionizer = SessionizerConfiguration()

    public init() {}
}
