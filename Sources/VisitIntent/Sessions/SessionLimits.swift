/// Bounds that keep robots, crawlers and broken tags from dominating a data
/// set: a session with more events, or a visitor with more sessions, than a
/// person produces is left out and counted (not stored in models: they
/// describe the data, not the features).
public struct SessionLimits: Sendable, Equatable {
    /// Sessions with more events than this are left out.
    public var maxEventsPerSession = 5_000
    /// Visitors with more sessions than this (in the data read) are left out.
    public var maxSessionsPerVisitor = 2_000

    public init() {}
}
