import Foundation
import Testing
import VisitIntent
import VisitIntentTestSupport

@Suite struct OutcomeLabelerTests {
    typealias T = TestSupport

    static let rules = """
        version: 1
        labels:
          - intent: booking
            events: [booking, phone_click]
            events_on_page_kind: {form_submit: [booking]}
            within_days: 7
          - intent: research
            min_page_views: {count: 2, kinds: [procedure, pricing, gallery]}
          - intent: curiosity
            otherwise: true
        """

    /// Six visitors, one situation each (see the expectations below).
    static let events = [
        T.event("a", "2026-09-01T10:00:00Z", url: "/soins/injections", session: "a1"),
        T.event("a", "2026-09-01T10:01:00Z", url: "/tarifs", session: "a1"),
        T.event("a", "2026-09-01T10:02:00Z", "booking", url: "/rendez-vous", session: "a1"),
        T.event("a", "2026-09-01T10:03:00Z", url: "/merci", session: "a1"),
        T.event("b", "2026-09-01T10:00:00Z", url: "/blog/a", session: "b1"),
        T.event("b", "2026-09-03T10:00:00Z", url: "/rendez-vous", session: "b2"),
        T.event("b", "2026-09-03T10:01:00Z", "form_submit", url: nil, session: "b2"),
        T.event("c", "2026-09-01T10:00:00Z", url: "/soins/injections", session: "c1"),
        T.event("c", "2026-09-01T10:01:00Z", url: "/avant-apres", session: "c1"),
        T.event("d", "2026-09-01T10:00:00Z", url: "/blog", session: "d1"),
        T.event("e", "2026-09-01T10:00:00Z", "phone_click", url: nil, session: "e1"),
        T.event("e", "2026-09-01T10:00:05Z", url: "/", session: "e1"),
        T.event("f", "2026-09-01T10:00:00Z", url: "/blog", session: "f1"),
        T.event("f", "2026-09-20T10:00:00Z", "booking", url: "/rendez-vous", session: "f2"),
        T.event("f", "2026-09-20T10:00:01Z", url: "/rendez-vous", session: "f2"),
    ].joined(separator: "\n") + "\n"

    func dataset() throws -> SessionDataset {
        let path = T.write(Self.events)
        return try SessionDataset.load(paths: [path], reader: EventReader(pseudonymizer: T.key), sessionizer: SessionizerConfiguration())
    }

    func labels() throws -> (SessionDataset, [String: OutcomeLabeler.Label], OutcomeLabeler.Result) {
        let data = try dataset()
        let result = OutcomeLabeler(rules: try OutcomeRules.parse(yaml: Self.rules), taxonomy: .generic).label(data)
        var byRaw: [String: OutcomeLabeler.Label] = [:]
        for raw in ["a1", "b1", "b2", "c1", "d1", "e1", "f1", "f2"] {
            if let s = data.sessions.id.firstIndex(of: T.key.pseudonym(raw)), let l = result.labels.first(where: { $0.session == s }) { byRaw[raw] = l }
        }
        return (data, byRaw, result)
    }

    @Test func rulesDecideInOrder() throws {
        let (_, l, result) = try labels()
        #expect(l["a1"]?.intent == "booking" && l["a1"]?.eventsBefore == 2)   // booked after two pages
        #expect(l["b2"]?.intent == "booking" && l["b2"]?.eventsBefore == 1)   // form_submit on the booking page
        #expect(l["b1"]?.intent == "booking" && l["b1"]?.eventsBefore == nil) // booked two days later
        #expect(l["c1"]?.intent == "research")
        #expect(l["d1"]?.intent == "curiosity")
        #expect(l["e1"] == nil)                                               // called before reading anything
        #expect(l["f1"]?.intent == "curiosity")                               // booked 19 days later: outside the window
        #expect(l["f2"] == nil)                                               // its booking precedes its page view
        #expect(result.outcomeBeforePageView == 2)
        #expect(result.labels.count == 6)
    }

    @Test func theOutcomeEventNeverReachesTheFeatures() throws {
        let (data, l, result) = try labels()
        let set = result.labelSet(sessionIDs: data.sessions.id).pseudonymized(T.key)
        let spec = try FeatureSpec.fit(events: data.events, sessions: data.sessions, taxonomyYAML: SiteTaxonomy.genericYAML, configuration: FeatureConfiguration())
        let extractor = try FeatureExtractor(spec: spec)
        let cut = extractor.extract(events: data.events, sessions: data.sessions, eventLimits: set.eventLimits(for: data.sessions.id))
        let firstTwo = extractor.extract(events: data.events, sessions: data.sessions, prefix: .events(2))
        let full = extractor.extract(events: data.events, sessions: data.sessions)
        let a = l["a1"]!.session
        let bookings = spec.columnNames.firstIndex(of: "bookings")!
        let pageViews = spec.columnNames.firstIndex(of: "page_views")!
        #expect(full.values[a, bookings] > 0)
        #expect(cut.values[a, bookings] == 0)
        #expect(cut.values[a, pageViews] == 2)
        #expect((0..<spec.columnNames.count).allSatisfy { cut.values[a, $0] == firstTwo.values[a, $0] })
        // Sessions labelled without a cut keep every event.
        let d = l["d1"]!.session
        #expect((0..<spec.columnNames.count).allSatisfy { cut.values[d, $0] == full.values[d, $0] })
    }

    @Test func labelsFileRoundTripsTheCut() throws {
        let (data, l, result) = try labels()
        var text = "session_id,intent,events_before,rule\n"
        for x in result.labels { text += "\(data.sessions.id[x.session]),\(x.intent),\(x.eventsBefore.map(String.init) ?? ""),\(x.rule + 1)\n" }
        var skipped = SkipReport()
        let read = try LabelSet.read(path: T.write(text, name: "labels.csv"), skipped: &skipped).pseudonymized(T.key)
        let limits = try #require(read.eventLimits(for: data.sessions.id))
        #expect(limits[l["a1"]!.session] == 2)
        #expect(limits[l["d1"]!.session] == Int.max)
    }

    @Test func rulesNamingUnknownKindsOrEventsAreCaught() throws {
        let rules = try OutcomeRules.parse(yaml: "labels:\n  - {intent: b, events: [bookng], events_on_page_kind: {form_submit: [bookings]}}\n  - {intent: c, otherwise: true}")
        let labeler = OutcomeLabeler(rules: rules, taxonomy: .generic)
        #expect { try labeler.validate(file: "r.yaml") } throws: { "\($0)".hasPrefix("r.yaml: rule 1: page kind 'bookings' is not in the taxonomy") }
        #expect(labeler.unseenEvents(in: try dataset()) == ["bookng"])
    }

    @Test(arguments: [
        ("labels: []", "non-empty list"),
        ("labels:\n  - intent: x", "has no condition"),
        ("labels:\n  - intent: x\n    min_page_views: {count: 0, kinds: [a]}", "count"),
        ("labels:\n  - intent: x\n    otherwise: true\n    color: red", "unknown key 'color'"),
        ("version: 2\nlabels:\n  - {intent: x, otherwise: true}", "version 2"),
        ("labels:\n  - intent: x\n    min_page_views: {count: 1, kinds: [a]}\n    within_days: 3", "within_days"),
        ("labels:\n  - {[intent]: x, otherwise: true}", "a key must be a plain name"),   // trapped inside Yams (fuzzing)
        ("labels:\n  - {intent: !custom x, otherwise: true}", "unsupported YAML tag"),
    ])
    func badRulesAreExplained(yaml: String, fragment: String) {
        #expect { _ = try OutcomeRules.parse(yaml: yaml, file: "r.yaml") } throws: { "\($0)".contains(fragment) && "\($0)".hasPrefix("r.yaml: ") }
    }
}
