import Foundation
import Testing
import VisitIntent
import VisitIntentTestSupport

@Suite struct FeatureExtractorTests {
    typealias T = TestSupport
    static let site = "https://www.clinique-lumiere.fr"

    /// A hand-made journey whose feature values are worked out by hand below.
    static let journey: [String] = [
        T.event("v", "2026-09-01T20:00:00+02:00", url: site + "/blog/rides-du-lion", session: "S",
                extra: "\"referrer\":\"https://www.google.fr/\",\"source\":\"google\",\"medium\":\"organic\",\"device\":\"mobile\",\"gender\":\"female\",\"age_band\":\"25-34\",\"region\":\"Occitanie\""),
        T.event("v", "2026-09-01T20:01:00+02:00", url: site + "/acide-hyaluronique/levres", session: "S", extra: "\"engagement_ms\":45000"),
        T.event("v", "2026-09-01T20:01:30+02:00", "scroll", url: site + "/acide-hyaluronique/levres", session: "S", extra: "\"scroll_pct\":75"),
        T.event("v", "2026-09-01T20:02:00+02:00", url: site + "/tarifs/acide-hyaluronique", session: "S"),
        T.event("v", "2026-09-01T20:03:00+02:00", "search", url: site + "/tarifs/acide-hyaluronique", session: "S", extra: "\"search_term\":\"prix\""),
        T.event("v", "2026-09-01T20:04:00+02:00", url: site + "/prendre-rendez-vous", session: "S"),
        T.event("v", "2026-09-01T20:04:30+02:00", "form_start", url: site + "/prendre-rendez-vous", session: "S"),
        T.event("v", "2026-09-01T20:05:00+02:00", "phone_click", url: site + "/prendre-rendez-vous", session: "S"),
    ]

    static func spec() throws -> FeatureSpec {
        try FeatureSpec(taxonomyYAML: ClinicTaxonomy.yaml, sessionizer: SessionizerConfiguration(), bigramBuckets: 16, pathTokenBuckets: 32,
                        genderLevels: ["female", "male"], ageBandLevels: ["25-34"], regionLevels: ["Occitanie"], internalHosts: ["clinique-lumiere.fr"])
    }

    func extract(_ lines: [String], prefix: SessionPrefix = .all) throws -> FeatureMatrix {
        let (table, _) = try T.read(lines.joined(separator: "\n") + "\n")
        let sessions = Sessionizer().sessions(of: table)
        return try FeatureExtractor(spec: Self.spec()).extract(events: table, sessions: sessions, prefix: prefix, threads: 1)
    }

    func value(_ m: FeatureMatrix, _ name: String, row: Int = 0) -> Float {
        m.values[row, m.columns.firstIndex(of: name)!]
    }

    /// The audience report reads a page's time as the features do (`PageDwell`):
    /// engagement first, else the time to the next page view, else to the
    /// session's last event. It used to prefer the next page view and give the
    /// last page nothing, so its main topic could differ from the scores'.
    @Test func audiencePagesReadTheFeaturesDwell() throws {
        let (table, summary) = try T.read(Self.journey.joined(separator: "\n") + "\n")
        let sessions = Sessionizer().sessions(of: table)
        let data = SessionDataset(events: table, sessions: sessions, readSummary: summary, pseudonymizer: T.key)
        let m = try FeatureExtractor(spec: Self.spec()).extract(events: table, sessions: sessions, threads: 1)
        let audience = AudienceSession.build(data: data, taxonomy: try FeatureLayout(spec: Self.spec()).taxonomy, segments: m.segments,
                                             intents: [0], probabilities: [[1]], timeoutMinutes: 30)
        let pages = try #require(audience.first).pages
        // Worked out by hand, as in the test below: 60 (to next), 45 (engagement), 120 (to next), 60 (to the last event).
        #expect(pages.map(\.seconds) == [60, 45, 120, 60])
        // And the same totals the feature row holds, per topic.
        for topic in Set(pages.map(\.topic)) {
            #expect(Float(pages.filter { $0.topic == topic }.map(\.seconds).reduce(0, +)) == value(m, "topic_dwell_s:\(topic)"))
        }
    }

    /// A search engine that refers a later page of a session (a visitor who
    /// searched again) is never taken for the site itself: found on a dentist's
    /// data, where one such session made all Google traffic "direct".
    @Test func aSearchEngineReferringWithinASessionStaysExternal() throws {
        let lines = [
            T.event("v1", "2026-09-01T10:00:00Z", url: "https://www.praxis.de/de/preise", session: "s1"),
            T.event("v1", "2026-09-01T10:02:00Z", url: "https://www.praxis.de/de/kontakt", session: "s1", extra: "\"referrer\":\"https://www.google.de/search?q=x\""),
            T.event("v2", "2026-09-02T10:00:00Z", url: "https://www.praxis.de/de/preise", session: "s2", extra: "\"referrer\":\"https://www.google.de/\""),
        ]
        let (table, _) = try T.read(lines.joined(separator: "\n") + "\n")
        let sessions = Sessionizer().sessions(of: table)
        let spec = try FeatureSpec.fit(events: table, sessions: sessions, taxonomyYAML: ClinicTaxonomy.yaml)
        #expect(!spec.internalHosts.contains { $0.contains("google") })
        #expect(spec.internalHosts.contains("praxis.de"))
        let m = try FeatureExtractor(spec: spec).extract(events: table, sessions: sessions, threads: 1)
        let v2 = try #require(m.sessionIDs.firstIndex { $0 == sessions.id[1] })
        #expect(value(m, "channel:organic_search", row: v2) == 1 && value(m, "channel:direct", row: v2) == 0)
    }

    /// A given engagement is capped at the session timeout like a measured dwell:
    /// an export's `engagement_ms` of 9.2e18 had made a 2,147,483 s dwell.
    @Test func anAbsurdEngagementIsCappedAtTheTimeout() throws {
        let journey = Self.journey.map { $0.replacingOccurrences(of: "\"engagement_ms\":45000", with: "\"engagement_ms\":2000000000") }
        let m = try extract(journey)
        #expect(value(m, "dwell_max_s") == 1800)  // 30 minutes
        #expect(value(m, "kind_dwell_s:procedure") == 1800)
    }

    @Test func handMadeJourneyHasHandComputedFeatures() throws {
        let m = try extract(Self.journey)
        let v = { (name: String) in self.value(m, name) }
        // Page views at 0, 60, 120 and 240 s; dwell 60 (to next), 45 (engagement), 120 (to next), 60 (to last event at 300 s).
        #expect(v("page_views") == 4)
        #expect(v("distinct_pages") == 4)
        #expect(v("events") == 8)
        #expect(v("duration_s") == 300)
        #expect(v("dwell_mean_s") == 71.25)
        #expect(v("dwell_max_s") == 120)
        #expect(v("bounce") == 0)
        #expect(v("topic_views:botulinum-toxin") == 1 && v("topic_dwell_s:botulinum-toxin") == 60)
        #expect(v("topic_views:hyaluronic-acid") == 2 && v("topic_dwell_s:hyaluronic-acid") == 165)
        #expect(v("topic_views:general") == 1 && v("topic_dwell_s:general") == 60)
        #expect(v("kind_views:blog") == 1 && v("kind_views:procedure") == 1 && v("kind_views:pricing") == 1 && v("kind_views:booking") == 1)
        #expect(v("kind_dwell_s:pricing") == 120 && v("kind_dwell_s:procedure") == 45)
        #expect(v("landing_kind:blog") == 1 && v("exit_kind:booking") == 1 && v("landing_topic:botulinum-toxin") == 1)
        #expect(v("landing_kind:home") == 0 && v("exit_kind:blog") == 0)
        #expect(v("form_starts") == 1 && v("phone_clicks") == 1 && v("form_submits") == 0 && v("bookings") == 0)
        #expect(v("pricing_seen") == 1 && v("booking_page_seen") == 1)
        #expect(v("max_scroll_pct") == 75 && v("site_search") == 1)
        #expect(v("channel:organic_search") == 1 && v("channel:direct") == 0)
        #expect(v("device:mobile") == 1 && v("device:desktop") == 0)
        // 20:00 local: angle 2π·20/24.
        #expect(abs(v("hour_sin") - Float(-(3.0).squareRoot() / 2)) < 1e-6)
        #expect(abs(v("hour_cos") - 0.5) < 1e-6)
        #expect(v("weekday:tue") == 1)  // 1 September 2026 is a Tuesday
        #expect(v("returning") == 0 && v("sessions_prev_7d") == 0)
        #expect(v("gender:female") == 1 && v("age_band:25-34") == 1 && v("region:Occitanie") == 1 && v("region:unknown") == 0)
        // Hashed topic transitions: botulinum→hyaluronic, hyaluronic→hyaluronic, hyaluronic→general.
        var bigrams = [Float](repeating: 0, count: 16)
        for pair in ["botulinum-toxin>hyaluronic-acid", "hyaluronic-acid>hyaluronic-acid", "hyaluronic-acid>general"] {
            bigrams[FeatureHashing.bucket(pair, buckets: 16)] += 1
        }
        for i in 0..<16 { #expect(v("bigram_hash:\(i)") == bigrams[i]) }
        var tokens = [Float](repeating: 0, count: 32)
        for t in ["blog", "rides", "lion", "acide", "hyaluronique", "levres", "tarifs", "acide", "hyaluronique", "prendre", "rendez", "vous"] {
            tokens[FeatureHashing.bucket(t, buckets: 32)] += 1
        }
        for i in 0..<32 { #expect(v("path_token_hash:\(i)") == tokens[i]) }
        #expect(m.segments["channel"]?.value(0) == "organic_search")
        #expect(m.segments["landing_kind"]?.value(0) == "blog")
    }

    @Test func prefixEqualsExtractionOnTruncatedSession() throws {
        // The first two page views: the events before the third page view (three events).
        // Engagement is reported when a page is left, so a live prefix cannot know the last
        // page's: compare on a journey without it.
        let journey = Self.journey.map { $0.replacingOccurrences(of: ",\"engagement_ms\":45000", with: "") }
        let prefixed = try extract(journey, prefix: .pageViews(2))
        let truncated = try extract(Array(journey.prefix(3)))
        #expect(prefixed.values.storage == truncated.values.storage)
        #expect(value(prefixed, "page_views") == 2)
        // With engagement given, the prefix still uses the time to its last event (the scroll at 90 s).
        #expect(value(try extract(Self.journey, prefix: .pageViews(2)), "dwell_max_s") == 60)
        #expect(value(try extract(Self.journey, prefix: .pageViews(2)), "kind_dwell_s:procedure") == 30)
        let fiveEvents = try extract(Self.journey, prefix: .events(5))
        #expect(fiveEvents.values.storage == (try extract(Array(Self.journey.prefix(5)))).values.storage)
    }

    @Test func bounceAndUnknownAttributes() throws {
        let m = try extract([T.event("w", "2026-09-05T09:00:00Z", url: "/", extra: "\"gender\":\"nonbinary\"")])
        #expect(value(m, "bounce") == 1)
        #expect(value(m, "gender:other") == 1)
        #expect(value(m, "age_band:unknown") == 1)
        #expect(value(m, "channel:direct") == 1)
        #expect(value(m, "device:unknown") == 1)
        #expect(value(m, "weekday:sat") == 1)
    }

    @Test func returningVisitorHistory() throws {
        let m = try extract([T.event("v", "2026-09-01T10:00:00Z"), T.event("v", "2026-09-04T10:00:00Z")])
        #expect(value(m, "returning", row: 1) == 1)
        #expect(value(m, "sessions_prev_7d", row: 1) == 1)
        #expect(value(m, "days_since_first_visit", row: 1) == 3)
        #expect(m.segments["visitor_type"]?.value(1) == "returning")
    }

    @Test func rowsDoNotDependOnThreads() throws {
        let (data, _, _) = try T.generatedDataset(sessions: 5000, seed: 3)
        let table = data.events, sessions = data.sessions
        let spec = try FeatureSpec.fit(events: table, sessions: sessions, taxonomyYAML: ClinicTaxonomy.yaml)
        let one = try FeatureExtractor(spec: spec).extract(events: table, sessions: sessions, threads: 1)
        let two = try FeatureExtractor(spec: spec).extract(events: table, sessions: sessions, threads: 2)
        #expect(one.values.storage == two.values.storage)
    }

    @Test func specRoundTripsAndDetectsTampering() throws {
        let spec = try Self.spec()
        let data = try JSONEncoder().encode(spec)
        #expect(try JSONDecoder().decode(FeatureSpec.self, from: data).validated() == spec)
        var tampered = spec
        tampered.bigramBuckets = 8
        #expect(throws: FeatureSpecError.columnsMismatch) { try tampered.validated() }
    }
}

@Suite struct FeatureHashingTests {
    @Test func fnv1aMatchesPublishedVectors() {
        // Published FNV-1a 64-bit test vectors (Fowler, Noll, Vo).
        #expect(FeatureHashing.fnv1a64("".utf8) == 0xcbf2_9ce4_8422_2325)
        #expect(FeatureHashing.fnv1a64("a".utf8) == 0xaf63_dc4c_8601_ec8c)
        #expect(FeatureHashing.fnv1a64("foobar".utf8) == 0x8594_4171_f739_67e8)
    }

    @Test func bucketsAreStableAcrossRuns() {
        // Fixed expectations: a change of hash function would silently break every saved model.
        #expect(FeatureHashing.bucket("blog", buckets: 64) == Int(FeatureHashing.fnv1a64("blog".utf8) % 64))
        #expect(FeatureHashing.bucket("a", buckets: 1000) == Int(0xaf63_dc4c_8601_ec8c as UInt64 % 1000))
    }

    @Test func pathTokensDropDigitsAndShortWords() {
        #expect(FeatureHashing.pathTokens("/blog/2026/rides-du-lion-123") == ["blog", "rides", "lion"])
        #expect(FeatureHashing.pathTokens("/patient/00123456") == ["patient"])
    }
}

@Suite struct ChannelTests {
    @Test(arguments: [
        ("google", "cpc", "", Channel.paidSearch),
        ("facebook", "paid_social", "", .social),
        ("google", "organic", "", .organicSearch),
        ("", "", "google.fr", .organicSearch),
        ("", "", "doctolib.fr", .medicalDirectory),
        ("doctolib.fr", "referral", "", .medicalDirectory),
        ("", "", "l.instagram.com", .social),
        ("newsletter", "email", "", .email),
        ("", "", "madame.lefigaro.fr", .referral),
        ("", "", "", .direct),
        ("(direct)", "(none)", "", .direct),
        ("", "", "clinique-lumiere.fr", .direct),
        ("", "", "microsoft.com", .referral),       // contains "t.co" but is not t.co
        ("", "", "taskrabbit.fr", .referral),
        ("", "", "amelie-beaute.fr", .referral),
        ("", "", "www.ameli.fr", .medicalDirectory),
        ("(not set)", "(not set)", "", .direct),
    ])
    func grouping(source: String, medium: String, referrer: String, expected: Channel) {
        #expect(Channel.group(source: source, medium: medium, referrerHost: referrer, internalHosts: ["clinique-lumiere.fr"]) == expected)
    }
}
