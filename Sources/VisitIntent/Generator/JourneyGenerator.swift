import Foundation

/// Writes a realistic, labelled data set for the bundled clinic site in the
/// canonical event format: `events.jsonl`, `labels.csv` and `taxonomy.yaml`.
///
/// Visitors are generated in independent blocks, each from its own random
/// stream of the seed, then events are sorted by time (as an analytics export
/// is) and formatted in parallel blocks written in order: the same seed gives
/// the same bytes whatever the thread count.
public struct JourneyGenerator: Sendable {
    public struct Configuration: Sendable {
        public var sessions = 10_000
        public var seed: UInt64 = 42
        /// First local day of the period (2026-09-01), and its length.
        public var startDay = Timestamp.daysFromCivil(year: 2026, month: 9, day: 1)
        public var weeks = 12
        /// Share of sessions that behave like an intent other than their label.
        public var behaviourNoise = 0.12
        public var threads = Parallel.defaultThreads
        public init() {}
    }

    public struct Summary: Sendable {
        public var visitors = 0
        public var sessions = 0
        public var events = 0
        public var intentCounts: [String: Int] = [:]
        public var files: [String] = []
    }

    public var configuration: Configuration
    let site = ClinicSite()

    public init(configuration: Configuration) { self.configuration = configuration }

    struct Event {
        var time: Int64
        var session: Int32
        var kind: UInt8        // EventKind raw value
        var page: Int16
        var engagementMs: Int32
        var scroll: Int8
        var searchTerm: Int8
        /// The session's first page view, which carries the traffic source.
        var landing = false
    }

    struct Session {
        var id: String
        var visitor: Int32
        var intent: Int
        var channel: Int
        var sourceIndex: Int
        var device: Int
        var campaign: Int
    }

    struct Visitor {
        var rawID: String
        var gender: Int   // -1 unknown
        var age: Int
        var region: Int
        var consentField: Bool
    }

    static let genders = ["female", "male"]
    static let ages = ["18-24", "25-34", "35-44", "45-54", "55-64", "65+"]
    static let regions = [("Auvergne-Rhône-Alpes", "Lyon"), ("Île-de-France", "Paris"), ("Provence-Alpes-Côte d'Azur", "Marseille"),
                          ("Occitanie", "Toulouse"), ("Nouvelle-Aquitaine", "Bordeaux"), ("Bourgogne-Franche-Comté", "Dijon"),
                          ("Grand Est", "Strasbourg"), ("Hauts-de-France", "Lille")]
    static let regionWeights: [Double] = [0.55, 0.12, 0.08, 0.06, 0.05, 0.06, 0.04, 0.04]
    static let devices = ["mobile", "desktop", "tablet"]
    /// (source, medium, referrer) per channel.
    static let sources: [[(String, String, String)]] = [
        [("google", "organic", "https://www.google.fr/"), ("bing", "organic", "https://www.bing.com/"), ("qwant", "organic", "https://www.qwant.com/"), ("duckduckgo", "organic", "https://duckduckgo.com/")],
        [("google", "cpc", "https://www.google.fr/"), ("bing", "cpc", "https://www.bing.com/")],
        [("instagram", "social", "https://l.instagram.com/"), ("facebook", "social", "https://m.facebook.com/"), ("tiktok", "social", "https://www.tiktok.com/")],
        [("doctolib.fr", "referral", "https://www.doctolib.fr/medecin-esthetique/lyon"), ("doctoralia.fr", "referral", "https://www.doctoralia.fr/"), ("realself.com", "referral", "https://www.realself.com/")],
        [("newsletter", "email", ""), ("brevo", "email", "")],
        [("madame.lefigaro.fr", "referral", "https://madame.lefigaro.fr/beaute/"), ("forum.doctissimo.fr", "referral", "https://forum.doctissimo.fr/")],
        [("", "", "")],
    ]
    static let campaigns = ["", "ah-levres-automne", "botox-front-2026", "newsletter-novembre", "black-friday-laser"]
    static let searchTerms = ["prix levres", "douleur injection", "duree botox", "rendez-vous samedi", "effets secondaires", "cernes", "laser ete"]
    static let sampleSearch: [Double] = [0.2, 0.15, 0.15, 0.1, 0.2, 0.1, 0.1]

    /// Generates and writes the data set into `directory` (created if needed).
    public func write(to directory: String, progress: Progress? = nil) throws -> Summary {
        let cfg = configuration
        precondition(cfg.sessions > 0, "sessions must be positive")
        // 1. Sessions per visitor, drawn sequentially so the total is exactly `sessions`.
        var master = SeededGenerator(seed: cfg.seed)
        var counts: [Int] = []
        var total = 0
        while total < cfg.sessions {
            var k = 1
            while master.bernoulli(0.45) && k < 12 { k += 1 }
            k = min(k, cfg.sessions - total)
            counts.append(k)
            total += k
        }
        // 2. Visitors in blocks, each from its own stream.
        let blockSize = 2048
        let blocks = (counts.count + blockSize - 1) / blockSize
        var blockResults = [([Visitor], [Session], [Event])](repeating: ([], [], []), count: blocks)
        var firstSession = [Int](repeating: 0, count: counts.count + 1)
        for v in 0..<counts.count { firstSession[v + 1] = firstSession[v] + counts[v] }
        blockResults.withUnsafeMutableBufferPointer { resultsBuffer in
            let results = resultsBuffer
            Parallel.forEach(blocks: blocks, threads: cfg.threads) { b in
                var rng = SeededGenerator(seed: cfg.seed, stream: UInt64(b) + 1)
                var visitors: [Visitor] = [], sessions: [Session] = [], events: [Event] = []
                for v in (b * blockSize)..<min(counts.count, (b + 1) * blockSize) {
                    generateVisitor(index: v, sessionCount: counts[v], firstSession: firstSession[v], rng: &rng,
                                    visitors: &visitors, sessions: &sessions, events: &events)
                }
                results[b] = (visitors, sessions, events)
            }
        }
        progress?.update(0.3)
        var visitors: [Visitor] = [], sessions: [Session] = [], events: [Event] = []
        visitors.reserveCapacity(counts.count)
        sessions.reserveCapacity(cfg.sessions)
        for r in blockResults {
            visitors.append(contentsOf: r.0)
            sessions.append(contentsOf: r.1)
            events.append(contentsOf: r.2)
        }
        blockResults = []
        // 3. Time order, ties by session then position (the sort is stable on the concatenation order).
        var order = Array(0..<events.count)
        order.sort { a, b in
            let ea = events[a], eb = events[b]
            if ea.time != eb.time { return ea.time < eb.time }
            if ea.session != eb.session { return ea.session < eb.session }
            return a < b
        }
        progress?.update(0.45)
        // 4. Write.
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let eventsPath = PathText.join(directory, "events.jsonl")
        let labelsPath = PathText.join(directory, "labels.csv")
        let taxonomyPath = PathText.join(directory, "taxonomy.yaml")
        try AtomicFile.write(path: eventsPath) { out in
            let chunk = 65_536
            let chunks = (order.count + chunk - 1) / chunk
            var c = 0
            while c < chunks {
                let group = min(chunks - c, 8)
                var buffers = [[UInt8]](repeating: [], count: group)
                buffers.withUnsafeMutableBufferPointer { bufferPointer in
                    let bp = bufferPointer
                    Parallel.forEach(blocks: group, threads: cfg.threads) { g in
                        var bytes: [UInt8] = []
                        bytes.reserveCapacity(chunk * 260)
                        let lo = (c + g) * chunk
                        for i in lo..<min(order.count, lo + chunk) {
                            formatEvent(events[order[i]], sessions: sessions, visitors: visitors, into: &bytes)
                        }
                        bp[g] = bytes
                    }
                }
                for b in buffers { try out.write(b) }
                c += group
                progress?.update(0.45 + 0.5 * Double(c) / Double(max(chunks, 1)))
            }
        }
        try AtomicFile.write(path: labelsPath) { out in
            var text = "session_id,intent\n"
            for s in sessions { text += "\(s.id),\(JourneyModel.intents[s.intent])\n" }
            try out.write(Array(text.utf8))
        }
        try AtomicFile.write(path: taxonomyPath) { out in try out.write(Array(ClinicTaxonomy.yaml.utf8)) }
        var summary = Summary()
        summary.visitors = visitors.count
        summary.sessions = sessions.count
        summary.events = events.count
        for s in sessions { summary.intentCounts[JourneyModel.intents[s.intent], default: 0] += 1 }
        summary.files = [eventsPath, labelsPath, taxonomyPath]
        progress?.update(1)
        return summary
    }

    private func generateVisitor(index: Int, sessionCount: Int, firstSession: Int, rng: inout SeededGenerator,
                                 visitors: inout [Visitor], sessions: inout [Session], events: inout [Event]) {
        let cfg = configuration
        let rawID = "\(1_000_000_000 + Int(rng.next() % 8_999_999_999)).\(1_700_000_000 + Int(rng.next() % 90_000_000))"
        let hasDemographics = rng.bernoulli(0.7)
        let gender = hasDemographics ? (rng.bernoulli(0.8) ? 0 : 1) : -1
        let age = hasDemographics ? rng.pick([0.10, 0.27, 0.27, 0.19, 0.12, 0.05]) : -1
        let region = rng.bernoulli(0.95) ? rng.pick(JourneyGenerator.regionWeights) : -1
        visitors.append(Visitor(rawID: rawID, gender: gender, age: age, region: region, consentField: rng.bernoulli(0.9)))
        let visitor = Int32(index)
        let topic = rng.pick(ClinicSite.topicInterest)
        let homeDevice = rng.pick([0.6, 0.33, 0.07])
        let speed = exp(0.3 * rng.normal())
        let days = cfg.weeks * 7
        var day = cfg.startDay + Int(rng.next() % UInt64(days))
        var previousEnd: Int64 = 0
        var intent = rng.pick(JourneyModel.firstIntent)
        for k in 0..<sessionCount {
            if k > 0 {
                intent = rng.pick(JourneyModel.nextIntent[intent])
                let gapDays = -log(max(rng.uniform(), 1e-12)) * (intent == 2 ? 3.0 : 6.0)
                day += Int(gapDays)
            }
            let behaviour = rng.bernoulli(cfg.behaviourNoise) ? (intent + 1 + Int(rng.next() % 2)) % 3 : intent
            let channel = rng.pick(JourneyModel.channel[behaviour])
            let sourceIndex = Int(rng.next() % UInt64(JourneyGenerator.sources[channel].count))
            let device = rng.bernoulli(0.85) ? homeDevice : rng.pick([0.6, 0.33, 0.07])
            let campaign = (channel == 1 || channel == 4) ? 1 + Int(rng.next() % UInt64(JourneyGenerator.campaigns.count - 1)) : 0
            let sessionIndex = Int32(firstSession + k)
            let id = String(rng.next(), radix: 16)
            sessions.append(Session(id: id, visitor: visitor, intent: intent, channel: channel, sourceIndex: sourceIndex, device: device, campaign: campaign))
            // Start time: local day and hour → UTC with Paris's offset for that date.
            let hour = rng.pick(JourneyModel.hourWeights(behaviour))
            let localSeconds = Int64(day) * 86_400 + Int64(hour * 3600) + Int64(rng.next() % 3600)
            let offset = JourneyGenerator.parisOffsetMinutes(day: day)
            var t = (localSeconds - Int64(offset) * 60) * 1000 + Int64(rng.next() % 1000)
            if t <= previousEnd { t = previousEnd + 31 * 60_000 }
            t = walk(session: sessionIndex, start: t, intent: behaviour, channel: channel, topic: topic, speed: speed,
                     engagementReported: rng.bernoulli(0.7), rng: &rng, events: &events)
            previousEnd = t
        }
    }

    /// One session's page path and events; returns its last event time.
    private func walk(session: Int32, start: Int64, intent: Int, channel: Int, topic topicIndex: Int, speed: Double,
                      engagementReported: Bool, rng: inout SeededGenerator, events: inout [Event]) -> Int64 {
        let topic = ClinicSite.topics[topicIndex]
        let kinds = ClinicSite.kinds
        var t = start
        var kind = landingKind(intent: intent, channel: channel, rng: &rng)
        var searched = false
        var pages = 0
        while true {
            let page = site.page(kind: kinds[kind], topic: topic, focus: JourneyModel.focus[intent], rng: &rng)
            let dwell = JourneyModel.dwellMedian[intent][kind] * speed * exp(0.9 * rng.normal())
            let dwellMs = Int64(min(dwell, 1500) * 1000)
            let reported = engagementReported ? Int32(Double(dwellMs) * (0.8 + 0.2 * rng.uniform())) : -1
            events.append(Event(time: t, session: session, kind: EventKind.pageView.rawValue, page: Int16(page), engagementMs: reported, scroll: -1, searchTerm: -1, landing: pages == 0))
            pages += 1
            if rng.bernoulli(1 - exp(-dwell / [60.0, 40.0, 50.0][intent])) {
                events.append(Event(time: t + Int64(Double(dwellMs) * 0.7), session: session, kind: EventKind.scroll.rawValue, page: Int16(page), engagementMs: -1, scroll: 90, searchTerm: -1))
            }
            if kinds[kind] == "procedure" && rng.bernoulli(JourneyModel.videoOnProcedure[intent]) {
                events.append(Event(time: t + dwellMs / 3, session: session, kind: EventKind.videoPlay.rawValue, page: Int16(page), engagementMs: -1, scroll: -1, searchTerm: -1))
            }
            if rng.bernoulli(0.08) {
                events.append(Event(time: t + dwellMs / 2, session: session, kind: EventKind.click.rawValue, page: Int16(page), engagementMs: -1, scroll: -1, searchTerm: -1))
            }
            if !searched && rng.bernoulli(JourneyModel.siteSearch[intent]) {
                searched = true
                events.append(Event(time: t + dwellMs / 2 + 1, session: session, kind: EventKind.search.rawValue, page: Int16(page), engagementMs: -1, scroll: -1,
                                    searchTerm: Int8(rng.pick(JourneyGenerator.sampleSearch))))
            }
            if kinds[kind] == "contact" && rng.bernoulli(JourneyModel.phoneClickOnContact[intent]) {
                events.append(Event(time: t + dwellMs / 2 + 2, session: session, kind: EventKind.phoneClick.rawValue, page: Int16(page), engagementMs: -1, scroll: -1, searchTerm: -1))
            }
            t += dwellMs + 500 + Int64(rng.next() % 2500)
            if kinds[kind] == "booking" && rng.bernoulli(JourneyModel.formStartOnBookingPage[intent]) {
                let started = t - dwellMs / 2
                events.append(Event(time: started, session: session, kind: EventKind.formStart.rawValue, page: Int16(page), engagementMs: -1, scroll: -1, searchTerm: -1))
                if rng.bernoulli(JourneyModel.formSubmitAfterStart[intent]) {
                    events.append(Event(time: t - 200, session: session, kind: EventKind.formSubmit.rawValue, page: Int16(page), engagementMs: -1, scroll: -1, searchTerm: -1))
                    if rng.bernoulli(JourneyModel.bookingAfterSubmit[intent]) {
                        events.append(Event(time: t - 100, session: session, kind: EventKind.booking.rawValue, page: Int16(page), engagementMs: -1, scroll: -1, searchTerm: -1))
                        events.append(Event(time: t, session: session, kind: EventKind.pageView.rawValue, page: Int16(site.confirmationPage),
                                            engagementMs: engagementReported ? 8000 : -1, scroll: -1, searchTerm: -1))
                        return t
                    }
                }
            }
            if pages >= 30 || rng.bernoulli(JourneyModel.stop[intent]) { return t - 500 }
            var weights = JourneyModel.kindWeights[intent]
            weights[kind] *= 0.5  // readers move on
            if intent == 2 { weights[8] *= 1 + 0.4 * Double(pages) }  // bookers converge on the booking page
            kind = rng.pick(weights)
        }
    }

    private func landingKind(intent: Int, channel: Int, rng: inout SeededGenerator) -> Int {
        // Kinds: home, procedure, pricing, gallery, faq, blog, team, contact, booking, legal
        let w: [Double]
        switch channel {
        case 0: w = [[0.2, 0.25, 0.0, 0.0, 0.05, 0.5, 0, 0, 0, 0], [0.1, 0.5, 0.15, 0.0, 0.15, 0.1, 0, 0, 0, 0], [0.4, 0.2, 0.05, 0, 0, 0, 0, 0.15, 0.2, 0]][intent]
        case 1: w = [0.2, 0.6, 0.2, 0, 0, 0, 0, 0, 0, 0]
        case 2: w = [0, 0.25, 0, 0.4, 0, 0.35, 0, 0, 0, 0]
        case 3: w = [0.15, 0, 0, 0, 0, 0, 0.5, 0, 0.35, 0]
        case 4: w = [0, 0.3, 0.2, 0, 0, 0.5, 0, 0, 0, 0]
        case 5: w = [0.2, 0.4, 0, 0, 0, 0.4, 0, 0, 0, 0]
        default: w = [[0.9, 0, 0.05, 0, 0, 0.05, 0, 0, 0, 0], [0.8, 0, 0.15, 0, 0, 0, 0, 0, 0.05, 0], [0.65, 0, 0.1, 0, 0, 0, 0, 0.05, 0.2, 0]][intent]
        }
        return rng.pick(w)
    }

    /// Europe/Paris offset for a local day: +02:00 from the last Sunday of March to the last Sunday of October.
    static func parisOffsetMinutes(day: Int) -> Int {
        let (y, _, _) = Timestamp.civilFromDays(day)
        func lastSunday(_ month: Int) -> Int {
            let d = Timestamp.daysFromCivil(year: y, month: month, day: 31)
            let weekday = ((d % 7) + 7 + 3) % 7  // 0 = Monday
            return d - ((weekday + 1) % 7)
        }
        return day >= lastSunday(3) && day < lastSunday(10) ? 120 : 60
    }

    private func formatEvent(_ e: Event, sessions: [Session], visitors: [Visitor], into out: inout [UInt8]) {
        let s = sessions[Int(e.session)]
        let v = visitors[Int(s.visitor)]
        let page = site.pages[Int(e.page)]
        let kind = EventKind(rawValue: e.kind)!
        let offset = JourneyGenerator.parisOffsetMinutes(day: Int(Timestamp.floorDiv(e.time + 3_600_000, 86_400_000)))
        func str(_ key: String, _ value: String) {
            out.append(contentsOf: Array(",\"\(key)\":\"".utf8))
            for b in value.utf8 {
                if b == 0x22 || b == 0x5C { out.append(0x5C) }
                out.append(b)
            }
            out.append(0x22)
        }
        out.append(contentsOf: Array("{\"visitor_id\":\"\(v.rawID)\"".utf8))
        str("session_id", s.id)
        str("timestamp", Timestamp(epochMilliseconds: e.time, utcOffsetMinutes: Int16(offset)).rfc3339)
        str("event", kind.name)
        let isLanding = e.landing
        var url = "https://\(ClinicSite.host)\(page.path)"
        if isLanding, s.channel == 1 { url += "?gclid=Cj0KCQ\(String(e.time, radix: 36))" }
        if isLanding, s.channel == 4 { url += "?utm_source=newsletter&utm_medium=email&utm_campaign=\(JourneyGenerator.campaigns[s.campaign])" }
        str("url", url)
        if kind == .pageView {
            str("title", page.title)
            str("device", JourneyGenerator.devices[s.device])
            if isLanding {
                let (source, medium, referrer) = JourneyGenerator.sources[s.channel][s.sourceIndex]
                if !referrer.isEmpty { str("referrer", referrer) }
                if !source.isEmpty { str("source", source) }
                if !medium.isEmpty { str("medium", medium) }
                if s.campaign > 0 { str("campaign", JourneyGenerator.campaigns[s.campaign]) }
            }
            str("country", "France")
            if v.region >= 0 {
                str("region", JourneyGenerator.regions[v.region].0)
                str("city", JourneyGenerator.regions[v.region].1)
            }
            if v.gender >= 0 { str("gender", JourneyGenerator.genders[v.gender]) }
            if v.age >= 0 { str("age_band", JourneyGenerator.ages[v.age]) }
            if e.engagementMs >= 0 { out.append(contentsOf: Array(",\"engagement_ms\":\(e.engagementMs)".utf8)) }
        }
        if v.consentField { out.append(contentsOf: Array(",\"consent\":true".utf8)) }
        if e.scroll >= 0 { out.append(contentsOf: Array(",\"scroll_pct\":\(e.scroll)".utf8)) }
        if e.searchTerm >= 0 { str("search_term", JourneyGenerator.searchTerms[Int(e.searchTerm)]) }
        out.append(contentsOf: Array("}\n".utf8))
    }
}
