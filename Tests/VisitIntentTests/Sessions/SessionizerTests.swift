import Testing
import VisitIntent
import VisitIntentTestSupport

@Suite struct SessionizerTests {
    typealias T = TestSupport

    func sessions(_ lines: [String], _ configure: (inout SessionizerConfiguration) -> Void = { _ in }) throws -> (EventTable, SessionTable) {
        let (table, _) = try T.read(lines.joined(separator: "\n") + "\n")
        var c = SessionizerConfiguration()
        configure(&c)
        return (table, Sessionizer(configuration: c).sessions(of: table))
    }

    @Test func inactivityGapSplitsAt30Minutes() throws {
        let (_, s) = try sessions([
            T.event("v", "2026-09-01T10:00:00Z"),
            T.event("v", "2026-09-01T10:29:59Z"),   // 29:59 later: same session
            T.event("v", "2026-09-01T11:00:00Z"),   // 30:01 later: new session
        ])
        #expect(s.count == 2)
        #expect(s.eventCount == [2, 1])
    }

    /// A record sent twice is one event: found on an export whose rows were
    /// duplicated, where page views doubled, dwell halved and intents flipped.
    /// Repeats at the same time as other events, and interleaved with them, are
    /// still found; an event that differs in any column is kept.
    @Test func exactRepeatsAreOneEvent() throws {
        let once = [
            T.event("v", "2026-09-01T10:00:00Z", url: "/a"),
            T.event("v", "2026-09-01T10:00:00Z", "scroll", url: "/a", extra: "\"scroll_pct\":50"),
            T.event("v", "2026-09-01T10:01:00Z", url: "/b"),
        ]
        let (_, single) = try sessions(once)
        let (table, doubled) = try sessions(once + once)  // each repeat after every other event
        #expect(doubled.repeatedEvents == 3 && single.repeatedEvents == 0)
        #expect(doubled.eventCount == single.eventCount && doubled.eventCount == [3])
        #expect(doubled.events(of: 0).map { table.kind[Int($0)] } == [.pageView, .scroll, .pageView])
        // Same time, another scroll depth: another event.
        let (_, other) = try sessions(once + [T.event("v", "2026-09-01T10:00:00Z", "scroll", url: "/a", extra: "\"scroll_pct\":90")])
        #expect(other.repeatedEvents == 0 && other.eventCount == [4])
    }

    /// `isRepeat` compares every column: a row differing in any one is not a repeat.
    @Test func aRepeatMatchesEveryColumn() throws {
        let (base, _) = try T.read([T.event("v", "2026-09-01T10:00:00Z", url: "/a"), T.event("v", "2026-09-01T10:00:00Z", url: "/a")].joined(separator: "\n") + "\n")
        #expect(base.isRepeat(1, of: 0))
        let changes: [(String, (inout EventTable) -> Void)] = [
            ("visitor", { $0.visitor[1] += 1 }), ("session", { $0.session[1] += 1 }), ("time", { $0.time[1] += 1 }),
            ("utcOffset", { $0.utcOffset[1] += 60 }), ("kind", { $0.kind[1] = .scroll }), ("otherName", { $0.otherName[1] += 1 }),
            ("path", { $0.path[1] += 1 }), ("host", { $0.host[1] += 1 }), ("referrerHost", { $0.referrerHost[1] += 1 }),
            ("device", { $0.device[1] = $0.device[1] == .mobile ? .desktop : .mobile }), ("source", { $0.source[1] += 1 }),
            ("medium", { $0.medium[1] += 1 }), ("campaign", { $0.campaign[1] += 1 }), ("country", { $0.country[1] += 1 }),
            ("region", { $0.region[1] += 1 }), ("gender", { $0.gender[1] += 1 }), ("ageBand", { $0.ageBand[1] += 1 }),
            ("consent", { $0.consent[1] += 1 }), ("engagementMs", { $0.engagementMs[1] += 1 }), ("scrollPct", { $0.scrollPct[1] = 7 }),
            ("searched", { $0.searched[1].toggle() }),
        ]
        for (name, change) in changes {
            var t = base
            change(&t)
            #expect(!t.isRepeat(1, of: 0), "a different \(name) is another event")
        }
        // A column added to EventTable must be compared, and named here.
        let columns = Mirror(reflecting: base).children.filter { $0.value is [Any] }  // the arrays (caches are dictionaries)
        #expect(changes.count == EventTable.columnKeyPaths.count)
        #expect(columns.count == changes.count, "columns: \(columns.compactMap(\.label))")
    }

    @Test func configurableTimeout() throws {
        let (_, s) = try sessions([T.event("v", "2026-09-01T10:00:00Z"), T.event("v", "2026-09-01T10:20:00Z")]) { $0.inactivityTimeoutMinutes = 10 }
        #expect(s.count == 2)
    }

    @Test func unsortedInputGivesTheSameSessions() throws {
        let lines = [T.event("v", "2026-09-01T10:00:00Z", url: "/a"), T.event("w", "2026-09-01T10:05:00Z", url: "/b"),
                     T.event("v", "2026-09-01T10:10:00Z", url: "/c"), T.event("v", "2026-09-01T12:00:00Z", url: "/d")]
        let (t1, s1) = try sessions(lines)
        let (t2, s2) = try sessions(lines.reversed())
        #expect(s1.count == 3 && s2.count == 3)
        let paths1 = (0..<s1.count).map { s in s1.events(of: s).map { t1.pool[t1.path[Int($0)]] } }
        let paths2 = (0..<s2.count).map { s in s2.events(of: s).map { t2.pool[t2.path[Int($0)]] } }
        #expect(paths1 == [["/a", "/c"], ["/b"], ["/d"]])
        #expect(paths1 == paths2)
    }

    @Test func midnightDoesNotSplitUnlessAsked() throws {
        let lines = [T.event("v", "2026-09-01T23:50:00+02:00"), T.event("v", "2026-09-02T00:10:00+02:00")]
        #expect(try sessions(lines).1.count == 1)
        #expect(try sessions(lines) { $0.splitAtMidnight = true }.1.count == 2)
    }

    @Test func timeZoneOffsetsOrderByInstant() throws {
        // 10:00+02:00 is 08:00Z; 08:20Z is twenty minutes later although its local clock reads earlier than 10:00.
        let (_, s) = try sessions([T.event("v", "2026-09-01T08:20:00Z", url: "/second"), T.event("v", "2026-09-01T10:00:00+02:00", url: "/first")])
        #expect(s.count == 1)
        #expect(s.end[0] - s.start[0] == 20 * 60_000)
    }

    @Test func newSourceStartsANewSession() throws {
        let lines = [T.event("v", "2026-09-01T10:00:00Z", extra: "\"source\":\"google\""),
                     T.event("v", "2026-09-01T10:05:00Z"),
                     T.event("v", "2026-09-01T10:06:00Z", extra: "\"source\":\"google\""),
                     T.event("v", "2026-09-01T10:07:00Z", extra: "\"source\":\"facebook\"")]
        #expect(try sessions(lines).1.eventCount == [3, 1])
        #expect(try sessions(lines) { $0.splitOnSourceChange = false }.1.count == 1)
    }

    @Test func explicitSessionIdsWin() throws {
        let (_, s) = try sessions([T.event("v", "2026-09-01T10:00:00Z", session: "A"), T.event("v", "2026-09-01T15:00:00Z", session: "A"),
                                   T.event("v", "2026-09-01T10:01:00Z", session: "B")])
        #expect(s.count == 2)
        #expect(s.id == [T.key.pseudonym("A"), T.key.pseudonym("B")])  // session ids are pseudonymised too
        #expect(s.eventCount == [2, 1])
    }

    @Test func sharedSessionIdsStayPerVisitorAndIdsAreUnique() throws {
        // GA4's ga_session_id is unique only per visitor.
        let (_, s) = try sessions([T.event("a", "2026-09-01T10:00:00Z", url: "/tarifs", session: "1"),
                                   T.event("b", "2026-09-01T09:00:00Z", url: "/", session: "1")])
        #expect(s.count == 2)
        #expect(Set(s.id).count == 2)
        #expect(s.start.allSatisfy { $0 > 0 })
    }

    @Test func repeatedIdsGetNumberedInStartOrder() throws {
        // Built directly (the reader would pseudonymise the session ids): visitor "v" has a
        // session whose input id spells the made-up id ("visitor-start") of its session without
        // one, and visitors "a" and "b" share the input id "s".
        func event(_ visitor: String, _ time: String, session: String?) -> RawEvent {
            var e = RawEvent()
            e.visitorId = visitor; e.timestamp = Timestamp.parse(time.utf8); e.event = "page_view"
            e.url = "https://example.org/"; e.sessionId = session
            return e
        }
        let noon = Timestamp.parse("2026-09-01T12:00:00Z".utf8)!
        let madeUp = "v-\(noon.epochMilliseconds)"
        var table = EventTable()
        for e in [event("v", "2026-09-01T12:00:00Z", session: nil), event("v", "2026-09-01T09:00:00Z", session: madeUp),
                  event("a", "2026-09-01T10:00:00Z", session: "s"), event("b", "2026-09-01T11:00:00Z", session: "s"),
                  event("w", "2026-09-01T13:00:00Z", session: nil), event("w", "2026-09-01T14:00:00Z", session: "s")] {
            table.append(e, visitorPseudonym: e.visitorId!)
        }
        let s = Sessionizer().sessions(of: table)
        // Reference: the n-th session (in start order) with an id already given gets "~n".
        #expect(s.id == [madeUp, "s", "s~2", madeUp + "~2", "w-\(Timestamp.parse("2026-09-01T13:00:00Z".utf8)!.epochMilliseconds)", "s~3"])
        #expect(Set(s.id).count == s.count)
    }

    @Test func sessionsWithoutPageViewsAreLeftOutAndCounted() throws {
        let (_, s) = try sessions([T.event("v", "2026-09-01T10:00:00Z", "scroll", url: nil), T.event("w", "2026-09-01T10:00:00Z")])
        #expect(s.count == 1)
        #expect(s.sessionsWithoutPageView == 1)
    }

    @Test func visitorHistoryCountsEarlierSessions() throws {
        let days = ["2026-09-01", "2026-09-03", "2026-09-20", "2026-10-05"]
        let (_, s) = try sessions(days.map { T.event("v", "\($0)T10:00:00Z") })
        #expect(s.visitIndex == [0, 1, 2, 3])
        #expect(s.previous7Days == [0, 1, 0, 0])
        #expect(s.previous30Days == [0, 1, 2, 1])
        #expect(s.daysSinceFirstVisit == [0, 2, 19, 34])
    }
}
