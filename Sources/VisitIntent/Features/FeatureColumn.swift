/// One column of the feature matrix, described for people and for models.
public struct FeatureColumn: Codable, Sendable, Equatable {
    /// How a linear model should see the raw value. Counts and durations are
    /// heavy-tailed, so it uses `log1p` of them; trees ignore this.
    public enum Transform: String, Codable, Sendable { case none, log1p }

    public var name: String
    public var group: String
    public var transform: Transform
    /// What a value of one means, in words, for model cards and reason codes.
    public var label: String
    /// For a categorical column of a table: its levels; a value is the index of its level.
    public var levels: [String]?

    public init(name: String, group: String, transform: Transform = .none, label: String, levels: [String]? = nil) {
        self.name = name
        self.group = group
        self.transform = transform
        self.label = label
        self.levels = levels
    }

    public var isCategorical: Bool { levels != nil }
}
