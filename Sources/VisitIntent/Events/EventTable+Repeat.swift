extension EventTable {
    /// Every per-event column, for `isRepeat` and its test (which checks that
    /// none is missing): an event that differs in any of them is another event.
    public static let columnKeyPaths: [PartialKeyPath<EventTable>] = [
        \.visitor, \.session, \.time, \.utcOffset, \.kind, \.otherName, \.path, \.host, \.referrerHost, \.device,
        \.source, \.medium, \.campaign, \.country, \.region, \.gender, \.ageBand, \.consent, \.engagementMs,
        \.scrollPct, \.searched,
    ]

    /// Whether events `a` and `b` hold the same values in every column: the
    /// same record sent twice (an export's duplicated row, a tag fired twice).
    /// Counted twice it doubles a page's views and halves its dwell.
    public func isRepeat(_ a: Int, of b: Int) -> Bool {
        time[a] == time[b] && visitor[a] == visitor[b] && session[a] == session[b] && kind[a] == kind[b]
            && path[a] == path[b] && otherName[a] == otherName[b] && utcOffset[a] == utcOffset[b]
            && host[a] == host[b] && referrerHost[a] == referrerHost[b] && device[a] == device[b]
            && source[a] == source[b] && medium[a] == medium[b] && campaign[a] == campaign[b]
            && country[a] == country[b] && region[a] == region[b] && gender[a] == gender[b] && ageBand[a] == ageBand[b]
            && consent[a] == consent[b] && engagementMs[a] == engagementMs[b]
            && scrollPct[a].bitPattern == scrollPct[b].bitPattern && searched[a] == searched[b]
    }
}
