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

    /// Parsed URLs by their raw text: pages repeat, so each is parsed once.
    /// These caches are keyed by exact bytes, as `pool` compares strings.
    private var urlCache: [ExactString: (path: Int32, host: Int32, source: String?, medium: String?, campaign: String?)] = [:]
    private var referrerCache: [ExactString: Int32] = [:]
    /// A process-wide memo of parsed URLs, for many small tables (the service's).
    public var pageURLs: PageURLMemo?
    private var lowercasedCache: [ExactString: Int32] = [:]
    private var trimmedCache: [ExactString: Int32] = [:]

    public init() {}

    public var count: Int { time.count }

    /// Makes room for `rows` events in every column: a table filled by appends
    /// otherwise grows each of its 21 columns by copying (2% of batch scoring's CPU).
    public mutating func reserveCapacity(_ rows: Int) {
        visitor.reserveCapacity(rows); session.reserveCapacity(rows); time.reserveCapacity(rows); utcOffset.reserveCapacity(rows)
        kind.reserveCapacity(rows); otherName.reserveCapacity(rows); path.reserveCapacity(rows); host.reserveCapacity(rows)
        referrerHost.reserveCapacity(rows); device.reserveCapacity(rows); source.reserveCapacity(rows); medium.reserveCapacity(rows)
        campaign.reserveCapacity(rows); country.reserveCapacity(rows); region.reserveCapacity(rows); gender.reserveCapacity(rows)
        ageBand.reserveCapacity(rows); consent.reserveCapacity(rows); engagementMs.reserveCapacity(rows); scrollPct.reserveCapacity(rows)
        searched.reserveCapacity(rows)
    }

    /// Appends a validated record. `visitorPseudonym` replaces the raw id.
    public mutating func append(_ e: RawEvent, visitorPseudonym: String) {
        // Traffic fields are matched by name, so they are lower-cased; visitor attributes keep their spelling.
        func code(_ s: String?) -> Int32 {
            guard let s else { return StringPool.empty }
            let key = ExactString(s)
            if let c = lowercasedCache[key] { return c }
            let c = pool.intern(s.lowercased().trimmingWhitespace)
            lowercasedCache[key] = c
            return c
        }
        func text(_ s: String?) -> Int32 {
            guard let s else { return StringPool.empty }
            let key = ExactString(s)
            if let c = trimmedCache[key] { return c }
            let c = pool.intern(s.trimmingWhitespace)
            trimmedCache[key] = c
            return c
        }
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
            let page: (path: Int32, host: Int32, source: String?, medium: String?, campaign: String?)
            if let cached = urlCache[ExactString(u)] { page = cached } else {
                let parsed = pageURLs?.page(u) ?? PageURL(u)
                page = (pool.intern(parsed.path), pool.intern(parsed.host), parsed.utmSource, parsed.utmMedium, parsed.utmCampaign)
                if urlCache.count < 1_000_000 { urlCache[ExactString(u)] = page }
            }
            path.append(page.path)
            host.append(page.host)
            if src == nil || src!.isEmpty { src = page.source }
            if med == nil || med!.isEmpty { med = page.medium }
            if camp == nil || camp!.isEmpty { camp = page.campaign }
        } else {
            path.append(StringPool.empty)
            host.append(StringPool.empty)
        }
        if let r = e.referrer, !r.isEmpty {
            if let cached = referrerCache[ExactString(r)] { referrerHost.append(cached) } else {
                let code = pool.intern((pageURLs?.page(r) ?? PageURL(r)).host)
                if referrerCache.count < 1_000_000 { referrerCache[ExactString(r)] = code }
                referrerHost.append(code)
            }
        } else {
            referrerHost.append(StringPool.empty)
        }
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

    /// The event's name: the canonical one, or the name kept for `other` events.
    public func eventName(_ i: Int) -> String { kind[i] == .other ? pool[otherName[i]] : kind[i].name }

    public func timestamp(_ i: Int) -> Timestamp { Timestamp(epochMilliseconds: time[i], utcOffsetMinutes: utcOffset[i]) }
}
