import Foundation
import Testing
import VisitIntent
import VisitIntentTestSupport

/// `Sessionizer` groups events with flat arrays and counting sorts; this
/// reference is the plain algorithm (a dictionary of explicit sessions and
/// an array per session), and random tables must give identical sessions.
@Suite struct SessionizerReferenceTests {
    typealias T = TestSupport

    @Test(arguments: [false, true])
    func equalsThePlainAlgorithmOnRandomTables(splits: Bool) throws {
        var rng = SeededGenerator(seed: splits ? 7 : 8)
        var limits = SessionLimits()
        limits.maxEventsPerSession = 12
        limits.maxSessionsPerVisitor = 70
        var configuration = SessionizerConfiguration()
        configuration.splitAtMidnight = splits
        configuration.splitOnSourceChange = splits
        var left = (0, 0, 0)
        for round in 0..<6 {
            var lines: [String] = []
            let start = Date(timeIntervalSince1970: 1_788_000_000)
            for _ in 0..<1_500 {
                // Few visitors (one a robot with many short sessions), ids shared across visitors,
                // events without a session id, gaps around the timeout, sources, midnights.
                let visitor = Int.random(in: 0..<(round % 2 == 0 ? 30 : 12), using: &rng)
                let seconds = Double(Int.random(in: 0..<(20 * 86_400), using: &rng))
                let time = ISO8601DateFormatter().string(from: start.addingTimeInterval(seconds))
                let session: String? = Int.random(in: 0..<3, using: &rng) == 0 ? nil : "s\(Int.random(in: 0..<(visitor == 0 ? 60 : 5), using: &rng))"
                let kind = Int.random(in: 0..<5, using: &rng) == 0 ? "scroll" : "page_view"
                let source = ["", "\"source\":\"google\"", "\"source\":\"facebook\"", "\"campaign\":\"x\""][Int.random(in: 0..<4, using: &rng)]
                lines.append(T.event("v\(visitor)", time, kind, url: "/p\(Int.random(in: 0..<9, using: &rng))", session: session, extra: source))
            }
            let (table, _) = try T.read(lines.joined(separator: "\n") + "\n")
            let fast = Sessionizer(configuration: configuration, limits: limits).sessions(of: table)
            let reference = ReferenceSessionizer(configuration: configuration, limits: limits).sessions(of: table)
            #expect(fast.count > 50)
            #expect(fast.id == reference.id)
            #expect(fast.visitor == reference.visitor)
            #expect(fast.eventStart == reference.eventStart && fast.eventCount == reference.eventCount)
            #expect(fast.eventOrder == reference.eventOrder)
            #expect(fast.start == reference.start && fast.end == reference.end)
            #expect(fast.previous7Days == reference.previous7Days && fast.previous30Days == reference.previous30Days)
            #expect(fast.daysSinceFirstVisit == reference.daysSinceFirstVisit && fast.visitIndex == reference.visitIndex)
            #expect(fast.sessionsWithoutPageView == reference.sessionsWithoutPageView)
            #expect(fast.sessionsOverEventLimit == reference.sessionsOverEventLimit)
            #expect(fast.visitorsOverSessionLimit == reference.visitorsOverSessionLimit)
            left = (left.0 + fast.sessionsWithoutPageView, left.1 + fast.sessionsOverEventLimit, left.2 + fast.visitorsOverSessionLimit)
        }
        // Every way of leaving a session out was exercised.
        #expect(left.0 > 0 && left.1 > 0 && left.2 > 0)
    }
}

/// The plain algorithm, kept here as the reference.
private struct ReferenceSessionizer {
    var configuration: SessionizerConfiguration
    var limits: SessionLimits

    func sessions(of events: EventTable) -> SessionTable {
        let n = events.count
        var order = Array(0..<Int32(n))
        order.sort { a, b in
            let ia = Int(a), ib = Int(b)
            if events.visitor[ia] != events.visitor[ib] { return events.visitor[ia] < events.visitor[ib] }
            if events.time[ia] != events.time[ib] { return events.time[ia] < events.time[ib] }
            return a < b
        }
        var groups: [[Int32]] = []
        var explicit: [SIMD2<Int32>: Int] = [:]
        let timeout = Int64(configuration.inactivityTimeoutMinutes * 60_000)
        var current: Int? = nil
        var currentVisitor: Int32 = -1
        var lastTime: Int64 = 0, lastDay: Int64 = 0
        var currentSource = StringPool.empty, currentCampaign = StringPool.empty
        for e32 in order {
            let e = Int(e32)
            if events.session[e] != StringPool.empty {
                let key = SIMD2(events.visitor[e], events.session[e])
                if let g = explicit[key] { groups[g].append(e32) } else { explicit[key] = groups.count; groups.append([e32]) }
                continue
            }
            let t = events.time[e], src = events.source[e], camp = events.campaign[e]
            let day = events.timestamp(e).localDay
            var startNew = current == nil || events.visitor[e] != currentVisitor || t - lastTime > timeout
            if !startNew && configuration.splitOnSourceChange
                && ((src != 0 && currentSource != 0 && src != currentSource) || (camp != 0 && currentCampaign != 0 && camp != currentCampaign)) {
                startNew = true
            }
            if !startNew && configuration.splitAtMidnight && day != lastDay { startNew = true }
            if startNew {
                current = groups.count
                groups.append([])
                currentVisitor = events.visitor[e]
                currentSource = 0
                currentCampaign = 0
            }
            if currentSource == 0 { currentSource = src }
            if currentCampaign == 0 { currentCampaign = camp }
            groups[current!].append(e32)
            lastTime = t
            lastDay = day
        }
        var heads: [(group: Int, start: Int64, first: Int32, id: String, visitor: Int32)] = []
        var table = SessionTable()
        for (g, members) in groups.enumerated() {
            guard members.contains(where: { events.kind[Int($0)] == .pageView }) else { table.sessionsWithoutPageView += 1; continue }
            guard members.count <= limits.maxEventsPerSession else { table.sessionsOverEventLimit += 1; continue }
            let first = Int(members[0])
            let code = events.session[first]
            let id = code != 0 ? events.pool[code] : "\(events.pool[events.visitor[first]])-\(events.time[first])"
            heads.append((g, events.time[first], members[0], id, events.visitor[first]))
        }
        heads.sort { ($0.start, $0.first) < ($1.start, $1.first) }
        var perVisitor: [Int32: Int] = [:]
        for h in heads { perVisitor[h.visitor, default: 0] += 1 }
        let robots = Set(perVisitor.filter { $0.value > limits.maxSessionsPerVisitor }.keys)
        heads.removeAll { robots.contains($0.visitor) }
        table.visitorsOverSessionLimit = robots.count
        var seen: [String: Int] = [:]
        for h in heads {
            let members = groups[h.group]
            var id = h.id
            if let k = seen[h.id] { seen[h.id] = k + 1; id = "\(h.id)~\(k + 1)" } else { seen[h.id] = 1 }
            table.id.append(id)
            table.visitor.append(h.visitor)
            table.eventStart.append(table.eventOrder.count)
            table.eventCount.append(members.count)
            table.eventOrder.append(contentsOf: members)
            table.start.append(events.time[Int(members.first!)])
            table.end.append(events.time[Int(members.last!)])
        }
        let count = table.count
        table.previous7Days = Array(repeating: 0, count: count)
        table.previous30Days = Array(repeating: 0, count: count)
        table.daysSinceFirstVisit = Array(repeating: 0, count: count)
        table.visitIndex = Array(repeating: 0, count: count)
        var byVisitor: [Int32: [Int]] = [:]
        for s in 0..<count { byVisitor[table.visitor[s], default: []].append(s) }
        let day: Int64 = 86_400_000
        for (_, list) in byVisitor {
            var lo7 = 0, lo30 = 0
            for (k, s) in list.enumerated() {
                let t = table.start[s]
                while table.start[list[lo7]] < t - 7 * day { lo7 += 1 }
                while table.start[list[lo30]] < t - 30 * day { lo30 += 1 }
                table.previous7Days[s] = Int32(k - lo7)
                table.previous30Days[s] = Int32(k - lo30)
                table.daysSinceFirstVisit[s] = Float(Double(t - table.start[list[0]]) / Double(day))
                table.visitIndex[s] = Int32(k)
            }
        }
        return table
    }
}
