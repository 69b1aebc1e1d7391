/// How long a page view was read: one definition for the features (and so the
/// reasons and the playbook's dominant topic) and the audience report, so a
/// session's topic and reading times agree wherever they are shown.
///
/// Its `engagement_ms` when given; else the time to the next page view or, for
/// the last page, to the session's last event; either capped at the inactivity
/// timeout (a page read longer would have ended the session, and an absurd
/// `engagement_ms` in an export made a 25-day dwell). In a session cut to a
/// prefix, the last kept page's engagement is not known yet (GA4 reports it
/// when the page is left), so it takes the time instead.
enum PageDwell {
    /// Milliseconds (≥ 0) of the page view at `index` of `list`, a session's
    /// events in time order; `lastTime` is the time of `list`'s last event.
    @inline(__always)
    static func milliseconds<C: RandomAccessCollection>(at index: C.Index, in list: C, events: EventTable, lastTime: Int64,
                                                         timeoutMs: Int64, truncated: Bool) -> Int64 where C.Element == Int32 {
        let e = Int(list[index])
        let engagement = events.engagementMs[e]
        // A whole session's given engagement needs no look ahead (the features' hot path).
        if engagement >= 0 && !truncated { return min(Int64(engagement), timeoutMs) }
        var next: Int64? = nil
        // Indexed, not a sub-slice: a slice per page view retained and released the list.
        var k = list.index(after: index)
        while k < list.endIndex {
            let f = Int(list[k])
            if events.kind[f] == .pageView { next = events.time[f]; break }
            k = list.index(after: k)
        }
        if engagement >= 0 && next != nil { return min(Int64(engagement), timeoutMs) }  // truncated, not the last kept page
        return max(0, min((next ?? lastTime) - events.time[e], timeoutMs))
    }
}
