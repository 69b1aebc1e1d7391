import Foundation

/// URLs the redactor left unchanged, shared by the readers of a long-running
/// process (the scoring service), so a page's URL is checked for personal
/// data once rather than on every request. Only URLs found clean are kept,
/// so the memo never holds an e-mail, phone number or identifier; it is
/// bounded and emptied when full.
public final class CleanURLMemo: @unchecked Sendable {
    private let lock = NSLock()
    private var urls = Set<String>()
    private let limit: Int

    public init(limit: Int = 50_000) { self.limit = limit }

    func contains(_ url: String) -> Bool { lock.withLock { urls.contains(url) } }

    func insert(_ url: String) {
        lock.withLock {
            if urls.count >= limit { urls.removeAll(keepingCapacity: true) }
            urls.insert(url)
        }
    }

    public var count: Int { lock.withLock { urls.count } }
}
