/// How much of a session the features may see: all of it, or only its start,
/// to predict intent early in a visit.
public enum SessionPrefix: Sendable, Equatable, CustomStringConvertible {
    case all
    /// The first `k` events.
    case events(Int)
    /// Everything before the `(k+1)`-th page view.
    case pageViews(Int)

    public var description: String {
        switch self {
        case .all: "all events"
        case .events(let k): "first \(k) events"
        case .pageViews(let k): "first \(k) page views"
        }
    }

    /// How many of `events` (in time order) the prefix keeps.
    func length(of events: ArraySlice<Int32>, kinds: [EventKind]) -> Int {
        switch self {
        case .all: return events.count
        case .events(let k): return min(max(k, 0), events.count)
        case .pageViews(let k):
            var seen = 0
            var n = 0
            for e in events {
                if kinds[Int(e)] == .pageView {
                    if seen == k { break }
                    seen += 1
                }
                n += 1
            }
            return n
        }
    }
}
