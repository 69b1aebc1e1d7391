/// One session as the audience report sees it: who, from where, what was
/// read, and with which intent. Built once from the events, then aggregated.
public struct AudienceSession: Sendable, Equatable {
    public var visitor: String
    public var start: Int64
    /// Local calendar day (days since 1970-01-01 in the visitor's offset).
    public var localDay: Int
    public var intent: Int
    /// Probability of each intent (one-hot for known labels).
    public var probabilities: [Double]
    public var returning: Bool
    public var attributes: [String: String]
    public var landingPage: String
    /// Page views in order: (topic, kind, seconds, deepest scroll % or nil).
    public var pages: [AudiencePage]
    public var exitPage: String

    public init(visitor: String, start: Int64, localDay: Int, intent: Int, probabilities: [Double], returning: Bool, attributes: [String: String],
                landingPage: String, pages: [AudiencePage], exitPage: String) {
        self.visitor = visitor
        self.start = start
        self.localDay = localDay
        self.intent = intent
        self.probabilities = probabilities
        self.returning = returning
        self.attributes = attributes
        self.landingPage = landingPage
        self.pages = pages
        self.exitPage = exitPage
    }
}

extension AudienceSession {
    /// Sessions of `data` with the intent of each (`intents[s]`, `probabilities[s]`),
    /// pages classified by `taxonomy`, attributes from the feature segments.
    public static func build(data: SessionDataset, taxonomy: SiteTaxonomy, segments: SessionSegments, intents: [Int], probabilities: [[Double]],
                             timeoutMinutes: Double) -> [AudienceSession] {
        let e = data.events, s = data.sessions
        var classified: [Int32: (String, String)] = [:]
        func classify(_ code: Int32) -> (String, String) {
            if let c = classified[code] { return c }
            let c = taxonomy.classify(e.pool[code])
            classified[code] = (c.topic, c.kind)
            return (c.topic, c.kind)
        }
        let timeoutMs = Int64(timeoutMinutes * 60_000)
        var out: [AudienceSession] = []
        out.reserveCapacity(s.count)
        for i in 0..<s.count {
            let events = s.events(of: i)
            let list = events.map(Int.init)
            let lastTime = e.time[list[list.count - 1]]
            let first = list[0]
            let ts = e.timestamp(first)
            var pages: [AudiencePage] = []
            var pageEvents: [Int] = []
            for (k, ev) in list.enumerated() where e.kind[ev] == .pageView {
                let (topic, kind) = classify(e.path[ev])
                // The features' dwell, so the report's topics and times agree with the scores'.
                let seconds = Double(PageDwell.milliseconds(at: events.startIndex + k, in: events, events: e, lastTime: lastTime, timeoutMs: timeoutMs, truncated: false)) / 1000
                var scroll: Double? = nil
                for f in list[(k + 1)...] {
                    if e.kind[f] == .pageView { break }
                    if !e.scrollPct[f].isNaN { scroll = max(scroll ?? 0, Double(e.scrollPct[f])) }
                }
                pages.append(AudiencePage(path: e.pool[e.path[ev]], topic: topic, kind: kind, seconds: seconds, scroll: scroll))
                pageEvents.append(ev)
            }
            var attributes: [String: String] = [:]
            for (name, column) in segments.columns { attributes[name] = column.levels[Int(column.codes[i])] }
            attributes["visitor_type"] = s.visitIndex[i] > 0 ? "returning" : "new"
            let campaign = list.lazy.map { e.campaign[$0] }.first { $0 != StringPool.empty }
            attributes["campaign"] = campaign.map { e.pool[$0] } ?? "(none)"
            out.append(AudienceSession(visitor: e.pool[s.visitor[i]], start: s.start[i], localDay: Int(ts.localDay), intent: intents[i],
                                       probabilities: probabilities[i], returning: s.visitIndex[i] > 0, attributes: attributes,
                                       landingPage: pages.first?.path ?? "/", pages: pages, exitPage: pages.last?.path ?? "/"))
        }
        return out
    }
}
