import Foundation

/// Aggregates `AudienceSession`s into an `AudienceReport`, suppressing or
/// merging into "other" every group with fewer than k distinct visitors.
public struct AudienceBuilder: Sendable {
    public struct Options: Sendable {
        public var minimumVisitors = 10
        public var period: AudienceReport.Period = .week
        /// Local days (since 1970-01-01), inclusive; nil for no bound.
        public var fromDay: Int?
        public var toDay: Int?
        public var playbook: ContentPlaybook?
        public var top = 15
        /// The intents that mean "ready to book" and "researching a procedure",
        /// for the booking and research tables; nil: the one named so, in any case.
        public var bookingIntent: String?
        public var researchIntent: String?
        public init() {}
    }

    public var intents: [String]
    public var options: Options

    public init(intents: [String], options: Options) {
        self.intents = intents
        self.options = options
    }

    /// The intent that means "ready to book": the one the options name, else the
    /// one named `booking` in any case ("Booking"), else none (its tables are left out).
    public var bookingIndex: Int? { Self.index(of: options.bookingIntent, default: "booking", in: intents) }
    public var researchIndex: Int? { Self.index(of: options.researchIntent, default: "research", in: intents) }

    static func index(of name: String?, default fallback: String, in intents: [String]) -> Int? {
        if let name { return intents.firstIndex(of: name) }
        return intents.firstIndex(of: fallback) ?? intents.firstIndex { $0.lowercased() == fallback }
    }

    static func dayString(_ day: Int) -> String {
        let (y, m, d) = Timestamp.civilFromDays(day)
        return String(format: "%04d-%02d-%02d", y, m, d)
    }

    /// The period a local day falls in: the Monday of its week, or its month.
    func periodKey(_ day: Int) -> String {
        switch options.period {
        case .week:
            let weekday = ((day + 3) % 7 + 7) % 7  // 1970-01-01 was a Thursday; 0 = Monday
            return Self.dayString(day - weekday)
        case .month:
            let (y, m, _) = Timestamp.civilFromDays(day)
            return String(format: "%04d-%02d", y, m)
        }
    }

    func group(_ label: String, _ sessions: [AudienceSession]) -> AudienceReport.Group {
        let visitors = Set(sessions.map(\.visitor))
        guard visitors.count >= options.minimumVisitors else {
            return AudienceReport.Group(label: label, visitors: nil, sessions: nil, intentShares: nil, bookerShare: nil, suppressed: true)
        }
        var counts = [Int](repeating: 0, count: intents.count)
        for s in sessions { counts[s.intent] += 1 }
        var booker: Double? = nil
        if let b = bookingIndex { booker = Double(Set(sessions.filter { $0.intent == b }.map(\.visitor)).count) / Double(visitors.count) }
        return AudienceReport.Group(label: label, visitors: visitors.count, sessions: sessions.count,
                                    intentShares: counts.map { Double($0) / Double(sessions.count) }, bookerShare: booker, suppressed: false)
    }

    /// Groups of a series that sums to a known total (periods): when the hidden ones hold
    /// fewer than k visitors together, or only one is hidden, the smallest shown ones are
    /// hidden too, so that no hidden figure follows from the total.
    func series(_ items: [(String, [AudienceSession])]) -> [AudienceReport.Group] {
        var groups = items.map { group($0.0, $0.1) }
        var hidden = items.indices.filter { groups[$0].suppressed && !items[$0].1.isEmpty }
        guard !hidden.isEmpty else { return groups }
        let shown = items.indices.filter { !groups[$0].suppressed }.sorted { (items[$0].1.count, $0) < (items[$1].1.count, $1) }
        for i in shown {
            let union = Set(hidden.flatMap { items[$0].1.map(\.visitor) })
            if union.count >= options.minimumVisitors && hidden.count >= 2 { break }
            groups[i] = AudienceReport.Group(label: groups[i].label, visitors: nil, sessions: nil, intentShares: nil, bookerShare: nil, suppressed: true)
            hidden.append(i)
        }
        return groups
    }

    /// Groups by `key`, levels under k visitors merged into "other"; largest first, "other" last.
    func breakdown(_ dimension: String, _ sessions: [AudienceSession], key: (AudienceSession) -> String) -> AudienceReport.Breakdown {
        var byLevel: [String: [AudienceSession]] = [:]
        for s in sessions { byLevel[key(s), default: []].append(s) }
        var kept: [(String, [AudienceSession])] = [], other: [AudienceSession] = []
        var merged = 0
        for (level, list) in byLevel {
            if Set(list.map(\.visitor)).count >= options.minimumVisitors { kept.append((level, list)) } else { other += list; merged += 1 }
        }
        kept.sort { ($0.1.count, $1.0) > ($1.1.count, $0.0) }
        // Complementary suppression: "other" must itself reach k visitors, or the total
        // minus the groups shown would give it away; merge the smallest groups into it.
        while !other.isEmpty && Set(other.map(\.visitor)).count < options.minimumVisitors, let smallest = kept.popLast() {
            other += smallest.1
            merged += 1
        }
        var groups = kept.map { group($0.0, $0.1) }
        if !other.isEmpty { groups.append(group("other (\(merged) smaller group\(merged == 1 ? "" : "s"))", other)) }
        return AudienceReport.Breakdown(dimension: dimension, groups: groups)
    }

    func reading(_ sessions: [AudienceSession], key: (AudiencePage) -> String) -> [AudienceReport.Reading] {
        struct Acc { var visitors = Set<String>(); var views: [Int]; var seconds: [Double]; var scroll = 0.0; var scrolled = 0 }
        var acc: [String: Acc] = [:]
        for s in sessions {
            for p in s.pages {
                let k = key(p)
                var a = acc[k] ?? Acc(views: Array(repeating: 0, count: intents.count), seconds: Array(repeating: 0, count: intents.count))
                a.visitors.insert(s.visitor)
                a.views[s.intent] += 1
                a.seconds[s.intent] += p.seconds
                if let sc = p.scroll { a.scroll += sc; a.scrolled += 1 }
                acc[k] = a
            }
        }
        return acc.sorted { ($0.value.views.reduce(0, +), $1.key) > ($1.value.views.reduce(0, +), $0.key) }.map { label, a in
            guard a.visitors.count >= options.minimumVisitors else {
                return AudienceReport.Reading(label: label, visitors: nil, pageViews: nil, meanSeconds: nil, meanScroll: nil, suppressed: true)
            }
            return AudienceReport.Reading(label: label, visitors: a.visitors.count, pageViews: a.views,
                                          meanSeconds: a.views.indices.map { a.views[$0] > 0 ? a.seconds[$0] / Double(a.views[$0]) : nil },
                                          meanScroll: a.scrolled > 0 ? a.scroll / Double(a.scrolled) : nil, suppressed: false)
        }
    }

    /// Labels ranked by sessions, keeping those with at least k visitors.
    func ranked(_ pairs: [(String, AudienceSession)], share: ((String) -> Double?)? = nil) -> [AudienceReport.Ranked] {
        var sessions: [String: Int] = [:], visitors: [String: Set<String>] = [:]
        for (label, s) in pairs { sessions[label, default: 0] += 1; visitors[label, default: []].insert(s.visitor) }
        return sessions.keys.filter { visitors[$0]!.count >= options.minimumVisitors }
            .map { AudienceReport.Ranked(label: $0, sessions: sessions[$0]!, visitors: visitors[$0]!.count, share: share?($0)) }
            .sorted { ($0.sessions, $1.label) > ($1.sessions, $0.label) }
            .prefix(options.top).map { $0 }
    }

    /// The session's main topic: most seconds read, then most pages.
    static func dominantTopic(_ s: AudienceSession) -> String {
        var seconds: [String: Double] = [:], views: [String: Int] = [:]
        for p in s.pages { seconds[p.topic, default: 0] += p.seconds; views[p.topic, default: 0] += 1 }
        return seconds.keys.max { (seconds[$0]!, views[$0]!, $1) < (seconds[$1]!, views[$1]!, $0) } ?? "general"
    }

    public func build(_ all: [AudienceSession], model: String, intentSource: String) -> AudienceReport {
        let sessions = all.filter { s in (options.fromDay.map { s.localDay >= $0 } ?? true) && (options.toDay.map { s.localDay <= $0 } ?? true) }
        let periods = Dictionary(grouping: sessions) { periodKey($0.localDay) }
        let overTime = series(periods.keys.sorted().map { ($0, periods[$0]!) })
        let who = ["visitor_type", "device", "age_band", "gender", "region"].map { d in breakdown(d, sessions) { $0.attributes[d] ?? "unknown" } }
        let fromWhere = ["channel", "campaign"].map { d in breakdown(d, sessions) { $0.attributes[d] ?? "unknown" } }
        // Landing pages ranked by the share of booking intent they bring.
        var landingBooking: [String: (Int, Int)] = [:]
        for s in sessions { var v = landingBooking[s.landingPage] ?? (0, 0); v.0 += 1; if s.intent == bookingIndex { v.1 += 1 }; landingBooking[s.landingPage] = v }
        var landing = ranked(sessions.map { ($0.landingPage, $0) }) { page in landingBooking[page].map { Double($0.1) / Double($0.0) } }
        if bookingIndex != nil { landing.sort { ($0.share ?? 0, $0.sessions, $1.label) > ($1.share ?? 0, $1.sessions, $0.label) } }
        // Page-kind paths of booking-intent sessions up to their first booking page.
        var paths: [(String, AudienceSession)] = []
        if let b = bookingIndex {
            for s in sessions where s.intent == b {
                var kinds: [String] = []
                for p in s.pages {
                    if kinds.last != p.kind { kinds.append(p.kind) }
                    if p.kind == "booking" || kinds.count == 5 { break }
                }
                paths.append((kinds.joined(separator: " → "), s))
            }
        }
        let exits = researchIndex.map { r in ranked(sessions.filter { $0.intent == r }.map { ($0.exitPage, $0) }) } ?? []
        // Needs over time: intent mix per (dominant topic, period), with the change from the previous period.
        var needs: [AudienceReport.Need] = []
        let byTopic = Dictionary(grouping: sessions) { Self.dominantTopic($0) }
        for topic in byTopic.keys.sorted() {
            var previous: [Double]? = nil
            let perPeriod = Dictionary(grouping: byTopic[topic]!) { periodKey($0.localDay) }
            let topicSeries = series(periods.keys.sorted().map { ($0, perPeriod[$0] ?? []) })
            for g in topicSeries {
                let key = g.label
                let change = zip(g.intentShares ?? [], previous ?? []).map { $0 - $1 }
                needs.append(AudienceReport.Need(topic: topic, period: key, visitors: g.visitors, intentShares: g.intentShares,
                                                 change: g.intentShares != nil && previous != nil ? change : nil))
                previous = g.intentShares
            }
        }
        // What to deliver: each (intent, topic, stage) cell and the playbook's answer.
        var deliveries: [AudienceReport.Delivery] = []
        if let book = options.playbook {
            let cells = Dictionary(grouping: sessions) { "\($0.intent)|\(Self.dominantTopic($0))|\($0.attributes["stage"] ?? "before")" }
            var small: [AudienceSession] = [], smallCells = 0
            for key in cells.keys.sorted() {
                let parts = key.split(separator: "|").map(String.init)
                let intent = intents[Int(parts[0])!], topic = parts[1], stage = ContentPlaybook.Stage(rawValue: parts[2]) ?? .before
                let visitors = Set(cells[key]!.map(\.visitor)).count
                guard visitors >= options.minimumVisitors else { small += cells[key]!; smallCells += 1; continue }
                let rule = book.content(intent: intent, topic: topic, stage: stage)
                deliveries.append(AudienceReport.Delivery(intent: intent, topic: topic, stage: stage.rawValue, visitors: visitors,
                                                          content: rule?.content, url: rule?.url,
                                                          fallback: rule == nil || (rule!.intent == nil && rule!.topic == nil && rule!.stage == nil)))
            }
            deliveries.sort { ($0.visitors ?? 0, $1.intent, $1.topic) > ($1.visitors ?? 0, $0.intent, $0.topic) }
            if smallCells > 0 {
                // Groups under k visitors are merged: only their number and, when large enough, their total.
                let visitors = Set(small.map(\.visitor)).count
                deliveries.append(AudienceReport.Delivery(intent: "other", topic: "\(smallCells) smaller groups", stage: "—",
                                                          visitors: visitors >= options.minimumVisitors ? visitors : nil, content: nil, url: nil, fallback: false))
            }
        }
        return AudienceReport(schemaVersion: AudienceReport.schemaVersion, model: model, intentSource: intentSource, intents: intents,
                              bookingIntent: bookingIndex.map { intents[$0] }, minimumVisitors: options.minimumVisitors, period: options.period,
                              from: options.fromDay.map(Self.dayString), to: options.toDay.map(Self.dayString),
                              sessions: sessions.count, visitors: Set(sessions.map(\.visitor)).count, overTime: overTime, who: who, fromWhere: fromWhere,
                              landingPages: landing, topics: reading(sessions) { $0.topic }, pageKinds: reading(sessions) { $0.kind },
                              pathsBeforeBooking: ranked(paths), researchExits: exits, needs: needs, deliveries: deliveries)
    }
}
