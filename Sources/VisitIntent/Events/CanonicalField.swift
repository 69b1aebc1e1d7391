import Foundation

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

    private static let names: [(field: CanonicalField, bytes: [UInt8])] = allCases.map { ($0, Array($0.rawValue.utf8)) }

    /// The field whose name is exactly `key` (UTF-8), without making a `String`.
    static func named(_ key: UnsafeBufferPointer<UInt8>) -> CanonicalField? {
        for (field, name) in names where name.count == key.count {
            if name.withUnsafeBufferPointer({ memcmp($0.baseAddress!, key.baseAddress!, key.count) == 0 }) { return field }
        }
        return nil
    }
}
