/// Parsed page URLs shared by the event tables of a long-running process
/// (the scoring service builds one small table per request, and would parse
/// the site's same few hundred URLs again on every one). Tables only see URLs
/// after redaction, so the memo holds no personal data; it is bounded and
/// emptied when full.
public final class PageURLMemo: Sendable {
    private let pages: BoundedSharedMap<ExactString, PageURL>  // by exact bytes, as the pools compare

    public init(limit: Int = 50_000) { pages = BoundedSharedMap(limit: limit) }

    /// `PageURL(url)`, parsed once per distinct URL.
    func page(_ url: String) -> PageURL {
        let key = ExactString(url)
        if let known = pages[key] { return known }
        let parsed = PageURL(url)
        pages.set(parsed, for: key)
        return parsed
    }

    public var count: Int { pages.count }
}
