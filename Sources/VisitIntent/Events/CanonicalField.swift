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
    /// `readable`: bytes that may be read from the key's start (at least its own).
    public static func named(_ key: UnsafeBufferPointer<UInt8>, readable: Int = 0) -> CanonicalField? {
        Lookup.shared.field(named: key, readable: readable)
    }

    /// Field names by their bytes. Callers on the hot path keep a copy (the
    /// decoder, per line and key): reaching a global costs a `swift_once` per call.
    struct Lookup: Sendable {
        static let shared = Lookup()

        /// Index into `names` by (length, first byte ^ last byte): one candidate to compare, not
        /// twenty (-1: none; -2: two names share the slot, compare them all).
        private let candidates: [Int8]
        /// Each name's bytes as two little-endian words, zero-padded (names are at most 16 bytes).
        private let words: [(UInt64, UInt64)]
        private let counts: [Int]
        private let fields: [CanonicalField]

        private init() {
            fields = CanonicalField.allCases
            let bytes = fields.map { Array($0.rawValue.utf8) }
            precondition(bytes.allSatisfy { $0.count <= 16 })
            counts = bytes.map(\.count)
            words = bytes.map { b in
                var w: (UInt64, UInt64) = (0, 0)
                for (k, c) in b.enumerated() {
                    if k < 8 { w.0 |= UInt64(c) << (8 * k) } else { w.1 |= UInt64(c) << (8 * (k - 8)) }
                }
                return w
            }
            var table = [Int8](repeating: -1, count: 32 * 256)
            for (i, b) in bytes.enumerated() {
                let s = Self.slot(b.count, b[0], b[b.count - 1])
                table[s] = table[s] == -1 ? Int8(i) : -2
            }
            candidates = table
        }

        @inline(__always) private static func slot(_ count: Int, _ first: UInt8, _ last: UInt8) -> Int { (count & 31) << 8 | Int(first ^ last) }

        /// The field named exactly `key`; `readable` bytes from its start may be
        /// read (at least its own): with sixteen, the key is loaded as two words at
        /// once (the decoder looks up every key of every line).
        func field(named key: UnsafeBufferPointer<UInt8>, readable: Int = 0) -> CanonicalField? {
            guard let k = key.baseAddress, key.count > 0, key.count <= 16 else { return nil }
            let candidate = Int(candidates[Self.slot(key.count, k[0], k[key.count - 1])])
            if candidate == -1 { return nil }
            // The key as two zero-padded words.
            var w: (UInt64, UInt64) = (0, 0)
            if readable >= 16 {
                let raw = UnsafeRawPointer(k)
                let n = UInt64(key.count)
                w.0 = raw.loadUnaligned(as: UInt64.self) & (n >= 8 ? .max : (1 << (8 * n)) &- 1)
                w.1 = n <= 8 ? 0 : raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self) & (n >= 16 ? .max : (1 << (8 * (n - 8))) &- 1)
            } else {  // a byte at a time: the key may end its buffer
                for i in 0..<min(key.count, 8) { w.0 |= UInt64(k[i]) << (8 * i) }
                if key.count > 8 { for i in 8..<key.count { w.1 |= UInt64(k[i]) << (8 * (i - 8)) } }
            }
            if candidate >= 0 {
                return counts[candidate] == key.count && words[candidate] == w ? fields[candidate] : nil
            }
            for c in fields.indices where counts[c] == key.count && words[c] == w { return fields[c] }
            return nil
        }
    }
}
