public struct AudiencePage: Sendable, Equatable {
    public var path: String
    public var topic: String
    public var kind: String
    public var seconds: Double
    public var scroll: Double?

    public init(path: String, topic: String, kind: String, seconds: Double, scroll: Double?) {
        self.path = path
        self.topic = topic
        self.kind = kind
        self.seconds = seconds
        self.scroll = scroll
    }
}
