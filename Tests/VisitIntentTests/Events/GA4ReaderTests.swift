import Foundation
import Testing
import VisitIntent
import VisitIntentTestSupport

/// Checks the GA4 reader against `Fixtures/ga4/EXPECTED.md`, which
/// `Fixtures/ga4/summarize.py` computes independently from the same files.
@Suite struct GA4ReaderTests {
    typealias T = TestSupport

    static func fixture(_ name: String) -> String {
        Bundle.module.url(forResource: name, withExtension: "jsonl", subdirectory: "Fixtures/ga4")!.path
    }
    static let days = [fixture("events_20261128"), fixture("events_20261129")]

    func load(_ paths: [String], options: EventReader.Options = EventReader.Options()) throws -> SessionDataset {
        try SessionDataset.load(paths: paths, reader: EventReader(options: options, pseudonymizer: T.key), sessionizer: SessionizerConfiguration())
    }

    /// The session whose GA4 ids are `visitor` and `sessionNumber`.
    func session(_ data: SessionDataset, _ visitor: String, _ gaSession: String) -> Int? {
        data.sessions.id.firstIndex(of: T.key.pseudonym(visitor + "." + gaSession))
    }

    @Test func detectsTheFormatFromTheFirstRecord() {
        #expect(EventReader.detectFormat(path: Self.days[0]) == .ga4)
    }

    @Test func readsTwoDailyTablesIntoSixSessions() throws {
        let data = try load(Self.days)
        #expect(data.readSummary.records == 50)
        #expect(data.readSummary.kept == 44)
        #expect(data.readSummary.excludedForConsent == 6)
        #expect(data.sessions.count == 6)
        #expect(Set(data.sessions.visitor).count == 4)
        // S3 crosses the daily tables: joined, 10 events, 5 page views in time order.
        let s3 = try #require(session(data, "1938475610.1795906110", "1795906110"))
        let events = data.sessions.events(of: s3).map(Int.init)
        #expect(events.count == 10)
        let pages = events.filter { data.events.kind[$0] == .pageView }.map { data.events.pool[data.events.path[$0]] }
        #expect(pages == ["/blog/acide-hyaluronique-combien-de-temps", "/avant-apres", "/blog/injections-levres-questions", "/tarifs", "/rendez-vous"])
        // Region "(not set)" is absent.
        #expect(events.allSatisfy { data.events.region[$0] == StringPool.empty })
    }

    @Test func mapsTrafficSourcesByPrecedence() throws {
        let data = try load(Self.days)
        func source(_ v: String, _ s: String) throws -> (String, String) {
            let i = try #require(session(data, v, s))
            let e = Int(data.sessions.events(of: i).first { data.events.kind[Int($0)] == .pageView }!)
            return (data.events.pool[data.events.source[e]], data.events.pool[data.events.medium[e]])
        }
        #expect(try source("1187350212.1795857125", "1795857125") == ("google", "cpc"))        // collected_traffic_source
        #expect(try source("402918377.1789389041", "1795874602") == ("doctolib.fr", "referral"))  // last click
        #expect(try source("1938475610.1795906110", "1795906110") == ("l.instagram.com", "referral"))  // first touch, first session
        #expect(try source("771203948.1795947300", "1795947300") == ("google", "organic"))    // event params
        #expect(try source("1187350212.1795857125", "1795977610") == ("", ""))                // second session: first touch not used
    }

    @Test func mapsEventsDevicesAndParameters() throws {
        let data = try load(Self.days)
        let s5 = try #require(session(data, "771203948.1795947300", "1795947300"))
        let events = data.sessions.events(of: s5).map(Int.init)
        #expect(events.contains { data.events.kind[$0] == .search })      // view_search_results
        #expect(events.allSatisfy { data.events.device[$0] == .tablet })
        #expect(events.contains { data.events.scrollPct[$0] == 90 })      // percent_scrolled as a string
        let s6 = try #require(session(data, "1187350212.1795857125", "1795977610"))
        let names = data.sessions.events(of: s6).map { Int($0) }.map { data.events.kind[$0] == .other ? data.events.pool[data.events.otherName[$0]] : data.events.kind[$0].name }
        #expect(names == ["session_start", "page_view", "page_view", "page_view", "form_start", "form_submit", "generate_lead", "user_engagement"])
    }

    @Test func requireConsentDropsSessionsWithoutAnalyticsStorage() throws {
        var o = EventReader.Options()
        o.consent = .requireConsent
        let data = try load(Self.days, options: o)
        #expect(data.sessions.count == 5)          // S3 has no analytics_storage
        #expect(data.readSummary.excludedForConsent == 16)
    }

    @Test func missingTimestampNamesFileLineAndField() {
        let path = Self.fixture("bad_missing_timestamp")
        #expect {
            _ = try load([path])
        } throws: { error in
            let e = error as? InputError
            return e?.line == 2 && e?.field == "event_timestamp" && e?.reason == .missingField && e!.description.contains("bad_missing_timestamp.jsonl:2")
        }
    }

    @Test func convertedEventsReadBackToTheSameSessionsAndFeatures() throws {
        var lines = ""
        let reader = EventReader(pseudonymizer: T.key)
        for day in Self.days { _ = try reader.forEachEvent(path: day) { lines += $0.canonicalJSONLine + "\n" } }
        #expect(!lines.contains("1187350212"))  // no raw GA4 id survives
        let converted = T.write(lines, name: "converted.jsonl")
        let a = try load(Self.days), b = try load([converted])
        #expect(a.sessions.id.sorted() == b.sessions.id.sorted())
        let spec = try FeatureSpec.fit(events: a.events, sessions: a.sessions, taxonomyYAML: SiteTaxonomy.genericYAML, configuration: FeatureConfiguration())
        let fa = try FeatureExtractor(spec: spec).extract(events: a.events, sessions: a.sessions)
        let fb = try FeatureExtractor(spec: spec).extract(events: b.events, sessions: b.sessions)
        for id in a.sessions.id {
            let ra = fa.sessionIDs.firstIndex(of: id)!, rb = fb.sessionIDs.firstIndex(of: id)!
            #expect((0..<fa.values.columns).map { fa.values[ra, $0] } == (0..<fb.values.columns).map { fb.values[rb, $0] })
        }
    }

    /// Found in review: numbers at the edges trapped instead of being refused.
    @Test func extremeNumbersAreRefusedOrIgnoredNotFatal() throws {
        let lines = [
            #"{"event_timestamp":"-9223372036854775808","event_name":"page_view","user_pseudo_id":"1.2","event_params":[{"key":"page_location","value":{"string_value":"https://a.fr/"}}]}"#,
            #"{"event_timestamp":"1764489600123456","event_name":"user_engagement","user_pseudo_id":"1.2","event_params":[{"key":"engagement_time_msec","value":{"double_value":1e300}},{"key":"ga_session_id","value":{"string_value":"nan"}}]}"#,
        ]
        var o = EventReader.Options()
        o.skipInvalid = true
        o.format = .ga4
        var kept = 0
        let summary = try EventReader(options: o, pseudonymizer: T.key).forEachEvent(path: T.write(lines.joined(separator: "\n") + "\n", name: "edge.json")) { e in
            kept += 1
            #expect(e.engagementMs == nil)
        }
        #expect(summary.skipped.total == 1 && kept == 1)
    }
}
