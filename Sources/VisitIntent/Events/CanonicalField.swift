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

    /// The field's place in `allCases` (a jump table, not a hash).
    var ordinal: Int {
        switch self {
        case .visitorId: 0
        case .timestamp: 1
        case .event: 2
        case .url: 3
        case .sessionId: 4
        case .referrer: 5
        case .title: 6
        case .device: 7
        case .source: 8
        case .medium: 9
        case .campaign: 10
        case .country: 11
        case .region: 12
        case .city: 13
        case .gender: 14
        case .ageBand: 15
        case .consent: 16
        case .engagementMs: 17
        case .scrollPct: 18
        case .searchTerm: 19
        }
    }

    /// The field whose name is exactly `key` (UTF-8), without making a `String`.
    static func named(_ key: UnsafeBufferPointer<UInt8>) -> CanonicalField? {
        for (field, name) in names where name.count == key.count {
            if name.withUnsafeBufferPointer({ memcmp($0.baseAddress!, key.baseAddress!, key.count) == 0 }) { return field }
        }
        return nil
    }
}
