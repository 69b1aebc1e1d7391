/// Stable feature hashing (Weinberger et al. 2009, "Feature hashing for large
/// scale multitask learning"): a token goes to bucket `FNV-1a-64(token) mod B`.
///
/// FNV-1a rather than Swift's `Hasher`, which is seeded per process: a model
/// must map the same token to the same column in every run, on every machine.
public enum FeatureHashing {
    public static func fnv1a64<S: Sequence>(_ bytes: S) -> UInt64 where S.Element == UInt8 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes {
            h ^= UInt64(b)
            h = h &* 0x0000_0100_0000_01b3
        }
        return h
    }

    public static func bucket(_ token: String, buckets: Int) -> Int {
        Int(fnv1a64(token.utf8) % UInt64(buckets))
    }

    /// Tokens of a URL path used as features: words of three or more letters
    /// from its segments. Digits are dropped, so record numbers and dates in
    /// URLs never become features.
    public static func pathTokens(_ path: String) -> [String] {
        var tokens: [String] = []
        var current: [UInt8] = []
        func flush() {
            if current.count >= 3 { tokens.append(String(decoding: current, as: UTF8.self)) }
            current.removeAll(keepingCapacity: true)
        }
        for b in path.utf8 {
            let isLetter = (b >= 97 && b <= 122) || b >= 0x80
            if isLetter { current.append(b) } else { flush() }
        }
        flush()
        return tokens
    }
}
