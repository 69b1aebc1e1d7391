import Foundation

/// Who visits, from where, what they read, with which intent, and what the
/// playbook would show them — aggregated so that no cell describes fewer
/// than `minimumVisitors` visitors (`audience.json`, schema in
/// `docs/audience.md`).
public struct AudienceReport: Codable, Sendable {
    public static let schemaVersion = 1

    public enum Period: String, Codable, Sendable, CaseIterable { case week, month }

    /// A group of sessions: its size and intent mix, or suppressed.
    public struct Group: Codable, Sendable, Equatable {
        public var label: String
        /// nil when suppressed (fewer than k visitors).
        public var visitors: Int?
        public var sessions: Int?
        /// Share of sessions of each intent, in `intents` order.
        public var intentShares: [Double]?
        /// Share of visitors with at least one session whose predicted intent is the booking intent.
        public var bookerShare: Double?
        public var suppressed: Bool
        enum CodingKeys: String, CodingKey { case label, visitors, sessions; case intentShares = "intent_shares"; case bookerShare = "booker_share"; case suppressed }
    }

    public struct Breakdown: Codable, Sendable, Equatable {
        public var dimension: String
        public var groups: [Group]
    }

    /// Reading by topic or page kind, per intent.
    public struct Reading: Codable, Sendable, Equatable {
        public var label: String
        public var visitors: Int?
        /// Page views per intent.
        public var pageViews: [Int]?
        /// Mean seconds per page view, per intent (nil where none).
        public var meanSeconds: [Double?]?
        /// Mean deepest scroll (%) where measured.
        public var meanScroll: Double?
        public var suppressed: Bool
        enum CodingKeys: String, CodingKey { case label, visitors; case pageViews = "page_views"; case meanSeconds = "mean_seconds"; case meanScroll = "mean_scroll"; case suppressed }
    }

    public struct Ranked: Codable, Sendable, Equatable {
        public var label: String
        public var sessions: Int
        public var visitors: Int
        /// For landing pages: the share of their sessions with booking intent.
        public var share: Double?
    }

    /// The intent mix of one topic in one period, and its change from the period before.
    public struct Need: Codable, Sendable, Equatable {
        public var topic: String
        public var period: String
        public var visitors: Int?
        public var intentShares: [Double]?
        /// Change of each share from the previous period (nil for the first, or when either is suppressed).
        public var change: [Double]?
        enum CodingKeys: String, CodingKey { case topic, period, visitors; case intentShares = "intent_shares"; case change }
    }

    /// One (intent, topic, stage) cell of the playbook and who it reaches.
    public struct Delivery: Codable, Sendable, Equatable {
        public var intent: String
        public var topic: String
        public var stage: String
        public var visitors: Int?
        public var content: String?
        public var url: String?
        /// True when only a catch-all rule (no intent or topic condition) answers: content is missing for this need.
        public var fallback: Bool
    }

    public var schemaVersion: Int
    public var model: String
    public var intentSource: String
    public var intents: [String]
    public var bookingIntent: String?
    public var minimumVisitors: Int
    public var period: Period
    public var from: String?
    public var to: String?
    public var sessions: Int
    public var visitors: Int
    public var overTime: [Group]
    public var who: [Breakdown]
    public var fromWhere: [Breakdown]
    public var landingPages: [Ranked]
    public var topics: [Reading]
    public var pageKinds: [Reading]
    public var pathsBeforeBooking: [Ranked]
    public var researchExits: [Ranked]
    public var needs: [Need]
    public var deliveries: [Delivery]

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version", model
        case intentSource = "intent_source", intents
        case bookingIntent = "booking_intent"
        case minimumVisitors = "minimum_visitors"
        case period, from, to, sessions, visitors
        case overTime = "over_time", who
        case fromWhere = "from_where"
        case landingPages = "landing_pages", topics
        case pageKinds = "page_kinds"
        case pathsBeforeBooking = "paths_before_booking"
        case researchExits = "research_exits", needs, deliveries
    }

    public func json() throws -> [UInt8] {
        Array(try JSONText.encoder(pretty: true).encode(self)) + [0x0A]
    }
}
