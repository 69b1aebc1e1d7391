/// Redacted URLs and titles by their raw text: a site has few distinct pages,
/// so the reader redacts each once (bounded, cleared when full).
public struct RedactionCache {
    var urls: [String: String] = [:]
    var texts: [String: String] = [:]
    /// URLs already found clean by any reader sharing the memo.
    var clean: CleanURLMemo?
    public init(clean: CleanURLMemo? = nil) { self.clean = clean }

    mutating func url(_ raw: String) -> String {
        if let known = urls[raw] { return known }  // this reader's own memo first: no lock
        if let clean, clean.contains(raw) { return raw }
        let redacted = Self.memo(&urls, raw, Redactor.url)
        if redacted == raw { clean?.insert(raw) }
        return redacted
    }
    mutating func text(_ raw: String) -> String { Self.memo(&texts, raw, Redactor.text) }

    private static func memo(_ cache: inout [String: String], _ raw: String, _ redact: (String) -> String) -> String {
        if let known = cache[raw] { return known }
        if cache.count > 100_000 { cache.removeAll(keepingCapacity: true) }
        let r = redact(raw)
        cache[raw] = r
        return r
    }
}
