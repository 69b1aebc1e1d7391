/// Groups events into sessions.
///
/// Events that carry a `session_id` are grouped by it, per visitor (GA4's
/// `ga_session_id` is unique only within a visitor). The others are cut
/// per visitor, in time order, where the gap since the previous event exceeds
/// the inactivity timeout, where a new non-empty source or campaign appears
/// (optional), or at local midnight (optional). Input order does not matter:
/// events are sorted by visitor, time and then input position, so ties keep
/// the file's order and the result is deterministic.
public struct Sessionizer: Sendable {
    public var configuration: SessionizerConfiguration
    public var limits: SessionLimits

    public init(configuration: SessionizerConfiguration = SessionizerConfiguration(), limits: SessionLimits = SessionLimits()) {
        self.configuration = configuration
        self.limits = limits
    }

    public func sessions(of events: EventTable) -> SessionTable {
        let n = events.count
        var order = Array(0..<Int32(n))
        order.sort { a, b in
            let ia = Int(a), ib = Int(b)
            if events.visitor[ia] != events.visitor[ib] { return events.visitor[ia] < events.visitor[ib] }
            if events.time[ia] != events.time[ib] { return events.time[ia] < events.time[ib] }
            return a < b
        }
        // Collect sessions as lists of event indices.
        var groups: [[Int32]] = []
        var explicit: [SIMD2<Int32>: Int] = [:]  // (visitor, session code) → group index
        let timeout = Int64(configuration.inactivityTimeoutMinutes * 60_000)
        var current: Int? = nil
        var currentVisitor: Int32 = -1
        var lastTime: Int64 = 0
        var currentSource: Int32 = StringPool.empty
        var currentCampaign: Int32 = StringPool.empty
        var lastDay: Int64 = 0
        for e32 in order {
            let e = Int(e32)
            let sessionCode = events.session[e]
            if sessionCode != StringPool.empty {
                let key = SIMD2(events.visitor[e], sessionCode)
                if let g = explicit[key] { groups[g].append(e32) } else {
                    explicit[key] = groups.count
                    groups.append([e32])
                }
                continue
            }
            let t = events.time[e]
            let src = events.source[e], camp = events.campaign[e]
            let day = events.timestamp(e).localDay
            var startNew = current == nil || events.visitor[e] != currentVisitor || t - lastTime > timeout
            if !startNew && configuration.splitOnSourceChange {
                if (src != StringPool.empty && currentSource != StringPool.empty && src != currentSource)
                    || (camp != StringPool.empty && currentCampaign != StringPool.empty && camp != currentCampaign) {
                    startNew = true
                }
            }
            if !startNew && configuration.splitAtMidnight && day != lastDay { startNew = true }
            if startNew {
                current = groups.count
                groups.append([])
                currentVisitor = events.visitor[e]
                currentSource = StringPool.empty
                currentCampaign = StringPool.empty
            }
            if currentSource == StringPool.empty { currentSource = src }
            if currentCampaign == StringPool.empty { currentCampaign = camp }
            groups[current!].append(e32)
            lastTime = t
            lastDay = day
        }
        // Order sessions by start time, then by input position, for deterministic output.
        struct Head { var group: Int; var start: Int64; var firstEvent: Int32; var id: String; var visitor: Int32 }
        var heads: [Head] = []
        heads.reserveCapacity(groups.count)
        var withoutPageView = 0, overEventLimit = 0
        for (g, members) in groups.enumerated() {
            // A session without a page view has no journey to describe: left out, and counted.
            guard members.contains(where: { events.kind[Int($0)] == .pageView }) else { withoutPageView += 1; continue }
            guard members.count <= limits.maxEventsPerSession else { overEventLimit += 1; continue }
            let first = Int(members[0])
            let code = events.session[first]
            let id = code != StringPool.empty ? events.pool[code] : "\(events.pool[events.visitor[first]])-\(events.time[first])"
            heads.append(Head(group: g, start: events.time[first], firstEvent: members[0], id: id, visitor: events.visitor[first]))
        }
        heads.sort { ($0.start, $0.firstEvent) < ($1.start, $1.firstEvent) }
        // Visitors with more sessions than a person makes: left out, and counted.
        var perVisitor: [Int32: Int] = [:]
        for h in heads { perVisitor[h.visitor, default: 0] += 1 }
        let robots = Set(perVisitor.filter { $0.value > limits.maxSessionsPerVisitor }.keys)
        if !robots.isEmpty { heads.removeAll { robots.contains($0.visitor) } }

        var table = SessionTable()
        table.sessionsWithoutPageView = withoutPageView
        table.sessionsOverEventLimit = overEventLimit
        table.visitorsOverSessionLimit = robots.count
        table.eventOrder.reserveCapacity(n)
        var seen: [String: Int] = [:]
        for h in heads {
            let members = groups[h.group]
            // Ids stay unique even when a session id is shared by two visitors or two sessions start together.
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
        fillHistory(&table)
        return table
    }

    /// Recency and frequency before each session, per visitor.
    func fillHistory(_ table: inout SessionTable) {
        let count = table.count
        table.previous7Days = Array(repeating: 0, count: count)
        table.previous30Days = Array(repeating: 0, count: count)
        table.daysSinceFirstVisit = Array(repeating: 0, count: count)
        table.visitIndex = Array(repeating: 0, count: count)
        var byVisitor: [Int32: [Int]] = [:]
        for s in 0..<count { byVisitor[table.visitor[s], default: []].append(s) }
        let day: Int64 = 86_400_000
        for (_, list) in byVisitor {
            // `list` is in start order because sessions are.
            var lo7 = 0, lo30 = 0
            let first = table.start[list[0]]
            for (k, s) in list.enumerated() {
                let t = table.start[s]
                while table.start[list[lo7]] < t - 7 * day { lo7 += 1 }
                while table.start[list[lo30]] < t - 30 * day { lo30 += 1 }
                table.previous7Days[s] = Int32(k - lo7)
                table.previous30Days[s] = Int32(k - lo30)
                table.daysSinceFirstVisit[s] = Float(Double(t - first) / Double(day))
                table.visitIndex[s] = Int32(k)
            }
        }
    }
}
