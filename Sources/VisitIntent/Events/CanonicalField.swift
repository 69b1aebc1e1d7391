/// The fields of canonical event format v1 (see `docs/event-format.md`).
public enum CanonicalField: String, CaseIterable, Sendable {
    case visitorId = "visitor_id", timestamp, event, url
    case sessionId = "session_id", referrer, title, device, source, medium, campaign
    case country, region, city, gender
    case ageBand = "age_band", consent
    case engagementMs = "engagement_ms"
    case scrollPct = "scroll_pct"
    case searchTerm = "search_term"

    static let byName: [String: CanonicalField] = Dictionary(uniqueKeysWithValues: allCases.map { ($0.rawValue, $0) })
}
