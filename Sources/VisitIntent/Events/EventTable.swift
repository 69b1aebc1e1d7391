/// All events of a data set as parallel columns (structure of arrays).
///
/// Strings are interned in one `StringPool`, so each event costs a few dozen
/// bytes of integers and a million events fit in well under 100 MB. Visitor
/// identifiers are pseudonymised before they are interned: the table never
/// holds a raw one.
public struct EventTable: Sendable {
    public var pool = StringPool()
    public var visitor: [Int32] = []
    /// The input's `session_id`, or `StringPool.empty` when absent.
    public var session: [Int32] = []
    public var time: [Int64] = []
    public var utcOffset: [Int16] = []
    public var kind: [EventKind] = []
    /// The event name when `kind == .other`.
    public var otherName: [Int32] = []
    /// Normalised page path (`PageURL.path`) and host.
    public var path: [Int32] = []
    public var host: [Int32] = []
    public var referrerHost: [Int32] = []
    public var device: [Device] = []
    public var source: [Int32] = []
    public var medium: [Int32] = []
    public var campaign: [Int32] = []
    public var country: [Int32] = []
    public var region: [Int32] = []
    public var gender: [Int32] = []
    public var ageBand: [Int32] = []
    /// -1 absent, 0 refused, 1 given.
    public var consent: [Int8] = []
    /// -1 when absent.
    public var engagementMs: [Int32] = []
    /// NaN when absent.
    public var scrollPct: [Float] = []
    public var searched: [Bool] = []

    public init() {}

    public var count: Int { time.count }

    /// Appends a validated record. `visitorPseudonym` replaces the raw id.
    public mutating func append(_ e: RawEvent, visitorPseudonym: String) {
        // Traffic fields are matched by name, so they are lower-cased; visitor attributes keep their spelling.
        func code(_ s: String?) -> Int32 { s.map { pool.intern($0.lowercased().trimmingWhitespace) } ?? StringPool.empty }
        func text(_ s: String?) -> Int32 { s.map { pool.intern($0.trimmingWhitespace) } ?? StringPool.empty }
        visitor.append(pool.intern(visitorPseudonym))
        session.append(e.sessionId.map { pool.intern($0) } ?? StringPool.empty)
        let ts = e.timestamp!
        time.append(ts.epochMilliseconds)
        utcOffset.append(ts.utcOffsetMinutes)
        let k = EventKind(name: e.event ?? "")
        kind.append(k)
        otherName.append(k == .other ? pool.intern(e.event ?? "") : StringPool.empty)
        var src = e.source, med = e.medium, camp = e.campaign
        if let u = e.url, !u.isEmpty {
            let page = PageURL(u)
            path.append(pool.intern(page.path))
            host.append(pool.intern(page.host))
            if src == nil || src!.isEmpty { src = page.utmSource }
            if med == nil || med!.isEmpty { med = page.utmMedium }
            if camp == nil || camp!.isEmpty { camp = page.utmCampaign }
        } else {
            path.append(StringPool.empty)
            host.append(StringPool.empty)
        }
        referrerHost.append(e.referrer.map { $0.isEmpty ? StringPool.empty : pool.intern(PageURL($0).host) } ?? StringPool.empty)
        device.append(e.device ?? .unknown)
        source.append(code(src))
        medium.append(code(med))
        campaign.append(code(camp))
        country.append(text(e.country))
        region.append(text(e.region))
        gender.append(text(e.gender))
        ageBand.append(text(e.ageBand))
        consent.append(e.consent.map { $0 ? 1 : 0 } ?? -1)
        engagementMs.append(e.engagementMs.map { Int32(clamping: $0) } ?? -1)
        scrollPct.append(e.scrollPct.map { Float($0) } ?? .nan)
        searched.append(k == .search || (e.searchTerm.map { !$0.isEmpty } ?? false))
    }

    public func timestamp(_ i: Int) -> Timestamp { Timestamp(epochMilliseconds: time[i], utcOffsetMinutes: utcOffset[i]) }
}
