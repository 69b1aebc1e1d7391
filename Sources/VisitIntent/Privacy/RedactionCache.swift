/// Redacted URLs and titles by their raw text: a site has few distinct pages,
/// so the reader redacts each once (bounded, cleared when full). Keyed by
/// exact bytes: a `String` key gave a canonically equivalent spelling the
/// first one's result, so what a table stored depended on the input's order.
public struct RedactionCache {
    var urls: [ExactString: String] = [:]
    var texts: [ExactString: String] = [:]
    /// URLs already found clean by any reader sharing the memo.
    var clean: CleanURLMemo?
    public init(clean: CleanURLMemo? = nil) { self.clean = clean }

    mutating func url(_ raw: String) -> String {
        if let known = urls[ExactString(raw)] { return known }  // this reader's own memo first: no lock
        if let clean, clean.contains(raw) { return raw }
        let redacted = Self.memo(&urls, raw, Redactor.url)
        if redacted == raw { clean?.insert(raw) }
        return redacted
    }
    mutating func text(_ raw: String) -> String { Self.memo(&texts, raw, Redactor.text) }

    private static func memo(_ cache: inout [ExactString: String], _ raw: String, _ redact: (String) -> String) -> String {
        let key = ExactString(raw)
        if let known = cache[key] { return known }
        if cache.count > 100_000 { cache.removeAll(keepingCapacity: true) }
        let r = redact(raw)
        cache[key] = r
        return r
    }
}
