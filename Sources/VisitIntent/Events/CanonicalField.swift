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
        guard let k = key.baseAddress, key.count > 0, key.count < 32 else { return nil }
        let candidate = Int(candidates[slot(key.count, k[0], k[key.count - 1])])
        guard candidate >= 0 else { return candidate == -2 ? linear(key) : nil }
        let name = names[candidate]
        guard name.bytes.count == key.count else { return nil }
        return name.bytes.withUnsafeBufferPointer { memcmp($0.baseAddress!, k, key.count) == 0 } ? name.field : nil
    }

    /// Index into `names` by (length, first byte ^ last byte): one candidate to compare, not
    /// twenty (-1: none; -2: two names share the slot, compare them all).
    private static let candidates: [Int8] = {
        var table = [Int8](repeating: -1, count: 32 * 256)
        for (i, name) in names.enumerated() {
            let s = slot(name.bytes.count, name.bytes[0], name.bytes[name.bytes.count - 1])
            table[s] = table[s] == -1 ? Int8(i) : -2
        }
        return table
    }()

    @inline(__always) private static func slot(_ count: Int, _ first: UInt8, _ last: UInt8) -> Int { (count & 31) << 8 | Int(first ^ last) }

    private static func linear(_ key: UnsafeBufferPointer<UInt8>) -> CanonicalField? {
        for (field, name) in names where name.count == key.count {
            if name.withUnsafeBufferPointer({ memcmp($0.baseAddress!, key.baseAddress!, key.count) == 0 }) { return field }
        }
        return nil
    }
}
