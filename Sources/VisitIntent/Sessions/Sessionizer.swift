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

    /// With `history: false` the recency and frequency columns are left at zero,
    /// for a caller that fills them from visits before `events` (the streaming
    /// scorer, whose chunks see only part of a visitor's sessions).
    public func sessions(of events: EventTable, history: Bool = true) -> SessionTable {
        let n = events.count
        let order = Sessionizer.visitorTimeOrder(events)
        // The session of each event, by its position in `order` (visitors in time order).
        var groupOf = [Int32](repeating: 0, count: n)
        var groupCount: Int32 = 0
        // Explicit session ids of the current visitor (events come visitor by visitor):
        // a short list searched in place, a dictionary once a visitor has many.
        var explicitCodes: [Int32] = [], explicitGroups: [Int32] = []
        var explicitMap: [Int32: Int32] = [:]
        var explicitVisitor: Int32 = -1
        let timeout = Int64(configuration.inactivityTimeoutMinutes * 60_000)
        var current: Int32 = -1
        var currentVisitor: Int32 = -1
        var lastTime: Int64 = 0
        var currentSource: Int32 = StringPool.empty
        var currentCampaign: Int32 = StringPool.empty
        var lastDay: Int64 = 0
        for (position, e32) in order.enumerated() {
            let e = Int(e32)
            let sessionCode = events.session[e]
            if sessionCode != StringPool.empty {
                let visitor = events.visitor[e]
                if visitor != explicitVisitor {
                    explicitVisitor = visitor
                    explicitCodes.removeAll(keepingCapacity: true)
                    explicitGroups.removeAll(keepingCapacity: true)
                    explicitMap.removeAll()
                }
                var group: Int32? = nil
                if explicitCodes.count <= 16 {
                    if let k = explicitCodes.firstIndex(of: sessionCode) { group = explicitGroups[k] }
                } else {
                    group = explicitMap[sessionCode]
                }
                if group == nil {
                    group = groupCount
                    groupCount += 1
                    explicitCodes.append(sessionCode)
                    explicitGroups.append(group!)
                    if explicitCodes.count > 16 {
                        if explicitMap.isEmpty { for (c, g) in zip(explicitCodes, explicitGroups) { explicitMap[c] = g } }
                        explicitMap[sessionCode] = group!
                    }
                }
                groupOf[position] = group!
                continue
            }
            let t = events.time[e]
            let src = events.source[e], camp = events.campaign[e]
            let day = events.timestamp(e).localDay
            var startNew = current < 0 || events.visitor[e] != currentVisitor || t - lastTime > timeout
            if !startNew && configuration.splitOnSourceChange {
                if (src != StringPool.empty && currentSource != StringPool.empty && src != currentSource)
                    || (camp != StringPool.empty && currentCampaign != StringPool.empty && camp != currentCampaign) {
                    startNew = true
                }
            }
            if !startNew && configuration.splitAtMidnight && day != lastDay { startNew = true }
            if startNew {
                current = groupCount
                groupCount += 1
                currentVisitor = events.visitor[e]
                currentSource = StringPool.empty
                currentCampaign = StringPool.empty
            }
            if currentSource == StringPool.empty { currentSource = src }
            if currentCampaign == StringPool.empty { currentCampaign = camp }
            groupOf[position] = current
            lastTime = t
            lastDay = day
        }
        // Each session's events, contiguous and in `order`'s order (a counting sort by session).
        let bySession = CountingSort(keys: groupOf, keyCount: Int(groupCount))
        let members = bySession.order.map { order[Int($0)] }
        // Order sessions by start time, then by input position, for deterministic output.
        struct Head { var group: Int; var start: Int64; var firstEvent: Int32; var idCode: Int32; var visitor: Int32 }
        var heads: [Head] = []
        heads.reserveCapacity(Int(groupCount))
        var withoutPageView = 0, overEventLimit = 0
        for g in 0..<Int(groupCount) {
            let range = bySession.group(g)
            // A session without a page view has no journey to describe: left out, and counted.
            guard range.contains(where: { events.kind[Int(members[$0])] == .pageView }) else { withoutPageView += 1; continue }
            guard range.count <= limits.maxEventsPerSession else { overEventLimit += 1; continue }
            let first = Int(members[range.lowerBound])
            heads.append(Head(group: g, start: events.time[first], firstEvent: members[range.lowerBound], idCode: events.session[first], visitor: events.visitor[first]))
        }
        heads.sort { ($0.start, $0.firstEvent) < ($1.start, $1.firstEvent) }
        // Visitors with more sessions than a person makes: left out, and counted.
        // (Counted in an array by visitor code, a pool code below the pool's size, not in a
        // dictionary hashed per session.)
        var perVisitor = [Int](repeating: 0, count: Int(events.visitor.max() ?? 0) + 1)
        for h in heads { perVisitor[Int(h.visitor)] += 1 }
        let robots = perVisitor.lazy.filter { $0 > limits.maxSessionsPerVisitor }.count
        if robots > 0 { heads.removeAll { perVisitor[Int($0.visitor)] > limits.maxSessionsPerVisitor } }

        var table = SessionTable()
        table.sessionsWithoutPageView = withoutPageView
        table.sessionsOverEventLimit = overEventLimit
        table.visitorsOverSessionLimit = robots
        table.eventOrder.reserveCapacity(n)
        // The per-session columns grew by doubling copies (memmove 0.25% of batch scoring).
        table.id.reserveCapacity(heads.count); table.visitor.reserveCapacity(heads.count)
        table.eventStart.reserveCapacity(heads.count); table.eventCount.reserveCapacity(heads.count)
        table.start.reserveCapacity(heads.count); table.end.reserveCapacity(heads.count)
        // Ids stay unique even when a session id is shared by two visitors or two sessions
        // start together: the times each id was seen. An id from the input is counted by its
        // pool code (the pool keeps one code per exact byte string: interning every id again
        // was a fifth of this function); a made-up "visitor-time" id by the pool code of the
        // same string if there is one, else by its code in `madeUp`.
        var seenByCode = [Int32](repeating: 0, count: events.pool.strings.count)
        var madeUp = StringPool()
        var madeUpCount: [Int32] = [0]
        for h in heads {
            let range = bySession.group(h.group)
            // The input's id, or one made of the visitor and the start time.
            let given = h.idCode != StringPool.empty
            var id = given ? events.pool[h.idCode] : "\(events.pool[h.visitor])-\(h.start)"
            let times: Int32
            if let code = given ? h.idCode : events.pool.code(of: id) {
                seenByCode[Int(code)] += 1
                times = seenByCode[Int(code)]
            } else {
                let code = Int(madeUp.intern(id))
                if code == madeUpCount.count { madeUpCount.append(0) }
                madeUpCount[code] += 1
                times = madeUpCount[code]
            }
            if times > 1 { id += "~\(times)" }
            table.id.append(id)
            table.visitor.append(h.visitor)
            let start = table.eventOrder.count
            table.eventStart.append(start)
            // An exact repeat of an event kept at the same time (a duplicated row) is dropped, and
            // counted: repeats sit among the events of their timestamp, so only those are compared.
            for k in range {
                let e = Int(members[k])
                var j = table.eventOrder.count - 1
                var repeated = false
                while j >= start, events.time[Int(table.eventOrder[j])] == events.time[e] {
                    if events.isRepeat(e, of: Int(table.eventOrder[j])) { repeated = true; break }
                    j -= 1
                }
                if repeated { table.repeatedEvents += 1 } else { table.eventOrder.append(members[k]) }
            }
            table.eventCount.append(table.eventOrder.count - start)
            table.start.append(events.time[Int(members[range.lowerBound])])
            table.end.append(events.time[Int(table.eventOrder[table.eventOrder.count - 1])])
        }
        let count = table.count
        table.previous7Days = Array(repeating: 0, count: count)
        table.previous30Days = Array(repeating: 0, count: count)
        table.daysSinceFirstVisit = Array(repeating: 0, count: count)
        table.visitIndex = Array(repeating: 0, count: count)
        if history { fillHistory(&table) }
        return table
    }

    /// Event indices ordered by (visitor code, time, index): a counting sort by
    /// visitor (codes are dense), then each visitor's events by time, which in a
    /// time-ordered file they already are. A comparison sort of every event was
    /// most of the sessionizer's time, and `intent features` runs it on a whole file.
    static func visitorTimeOrder(_ events: EventTable) -> [Int32] {
        guard let maxVisitor = events.visitor.max() else { return [] }
        let byVisitor = CountingSort(keys: events.visitor, keyCount: Int(maxVisitor) + 1)
        var order = byVisitor.order
        let time = events.time
        order.withUnsafeMutableBufferPointer { o in
            for v in 0...Int(maxVisitor) where byVisitor.group(v).count > 1 {
                let run = byVisitor.group(v)
                // Indices ascend within a run, so "sorted" needs only non-decreasing times.
                var sorted = true
                for k in run.dropFirst() where time[Int(o[k])] < time[Int(o[k - 1])] { sorted = false; break }
                if !sorted {
                    o[run].sort { a, b in
                        let ta = time[Int(a)], tb = time[Int(b)]
                        return ta != tb ? ta < tb : a < b
                    }
                }
            }
        }
        return order
    }

    /// Recency and frequency before each session, per visitor (into columns of zeros).
    func fillHistory(_ table: inout SessionTable) {
        // Sessions grouped by visitor, each visitor's in start order (a counting sort by visitor code).
        let byVisitor = CountingSort(keys: table.visitor, keyCount: Int(table.visitor.max() ?? 0) + 1)
        let day: Int64 = 86_400_000
        for v in byVisitor.starts.indices.dropLast() where !byVisitor.group(v).isEmpty {
            let list = byVisitor.order[byVisitor.group(v)]
            // `list` is in start order because sessions are.
            var lo7 = list.startIndex, lo30 = list.startIndex
            let first = table.start[Int(list.first!)]
            for (k, session) in zip(list.indices, list) {
                let s = Int(session), t = table.start[s]
                while table.start[Int(list[lo7])] < t - 7 * day { lo7 += 1 }
                while table.start[Int(list[lo30])] < t - 30 * day { lo30 += 1 }
                table.previous7Days[s] = Int32(k - lo7)
                table.previous30Days[s] = Int32(k - lo30)
                table.daysSinceFirstVisit[s] = Float(Double(t - first) / Double(day))
                table.visitIndex[s] = Int32(k - list.startIndex)
            }
        }
    }
}
