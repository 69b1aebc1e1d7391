/// Sessions as parallel columns, each pointing at its events.
///
/// `eventOrder[eventStart[s] ..< eventStart[s] + eventCount[s]]` are the
/// indices (into the `EventTable`) of session `s`'s events in time order.
/// History columns describe the visitor *before* this session, which is what
/// a live scorer also knows.
public struct SessionTable: Sendable {
    public var id: [String] = []
    public var visitor: [Int32] = []
    public var eventStart: [Int] = []
    public var eventCount: [Int] = []
    public var eventOrder: [Int32] = []
    public var start: [Int64] = []
    public var end: [Int64] = []
    /// Sessions of the same visitor that started in the 7 and 30 days before this one.
    public var previous7Days: [Int32] = []
    public var previous30Days: [Int32] = []
    /// Days from the visitor's first session in the data to this one.
    public var daysSinceFirstVisit: [Float] = []
    /// 0 for the visitor's first session in the data, 1 for the second…
    public var visitIndex: [Int32] = []
    /// Groups of events left out because none was a page view.
    public var sessionsWithoutPageView = 0
    /// Sessions left out for holding more events than `SessionLimits` allows.
    public var sessionsOverEventLimit = 0
    /// Visitors left out (with all their sessions) for having more sessions than `SessionLimits` allows.
    public var visitorsOverSessionLimit = 0
    /// Events left out as exact repeats of another event of their session (see `EventTable.isRepeat`).
    public var repeatedEvents = 0

    public init() {}

    public var count: Int { id.count }

    /// The event indices of session `s`, in time order.
    public func events(of s: Int) -> ArraySlice<Int32> {
        eventOrder[eventStart[s]..<(eventStart[s] + eventCount[s])]
    }
}
