import Foundation

/// Parsed page URLs shared by the event tables of a long-running process
/// (the scoring service builds one small table per request, and would parse
/// the site's same few hundred URLs again on every one). Tables only see URLs
/// after redaction, so the memo holds no personal data; it is bounded and
/// emptied when full.
public final class PageURLMemo: @unchecked Sendable {
    private let lock = NSLock()
    private var pages: [String: PageURL] = [:]
    private let limit: Int

    public init(limit: Int = 50_000) { self.limit = limit }

    /// `PageURL(url)`, parsed once per distinct URL.
    func page(_ url: String) -> PageURL {
        if let known = lock.withLock({ pages[url] }) { return known }
        let parsed = PageURL(url)
        lock.withLock {
            if pages.count >= limit { pages.removeAll(keepingCapacity: true) }
            pages[url] = parsed
        }
        return parsed
    }

    public var count: Int { lock.withLock { pages.count } }
}
