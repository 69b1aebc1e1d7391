/// How events become sessions when the input carries no `session_id`.
public struct SessionizerConfiguration: Codable, Sendable, Equatable {
    /// A gap longer than this starts a new session (analytics tools use 30 minutes).
    public var inactivityTimeoutMinutes: Double = 30
    /// A new traffic source or campaign starts a new session, as in Google Analytics.
    public var splitOnSourceChange = true
    /// Universal Analytics also split at local midnight; GA4 does not, and neither do we by default.
    public var splitAtMidnight = false

    public init() {}

    enum CodingKeys: String, CodingKey {
        case inactivityTimeoutMinutes = "inactivity_timeout_minutes"
        case splitOnSourceChange = "split_on_source_change"
        case splitAtMidnight = "split_at_midnight"
    }
}
