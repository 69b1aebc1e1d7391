/// URLs the redactor left unchanged, shared by the readers of a long-running
/// process (the scoring service), so a page's URL is checked for personal
/// data once rather than on every request. Only URLs found clean are kept,
/// so the memo never holds an e-mail, phone number or identifier; it is
/// bounded and emptied when full.
public final class CleanURLMemo: Sendable {
    private let urls: BoundedSharedMap<ExactString, Void>  // by exact bytes: a canonically equal URL is not the same URL

    public init(limit: Int = 50_000) { urls = BoundedSharedMap(limit: limit) }

    func contains(_ url: String) -> Bool { urls[ExactString(url)] != nil }

    func insert(_ url: String) { urls.set((), for: ExactString(url)) }

    public var count: Int { urls.count }
}
