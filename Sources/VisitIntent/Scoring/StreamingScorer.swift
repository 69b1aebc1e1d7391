import Foundation

/// Scores events of any size with memory bounded by the visitors still
/// active, for time-ordered input: events are buffered until a visitor has
/// been idle longer than the session timeout, then that visitor's sessions
/// are sessionized, featurized, scored and written, and only a small
/// per-visitor history (session starts of the last 30 days, first visit,
/// consultation seen) is kept for the history features. What becomes of a
/// chunk's features is its `ChunkOutput`'s: scores (`intent score`) or the
/// rows themselves (`intent features --model`).
///
/// Scores equal in-memory scoring's for time-ordered input (tested), except
/// two corner cases documented in `docs/scoring.md`: an explicit session id
/// reused after more than the timeout, and gap-based session ids that collide.
///
/// Closed chunks are scored on a second thread (a `SerialWorker`, one chunk
/// at a time, in order, so the output is the same), while this one goes on
/// buffering the next: reading and scoring overlap on two cores.
public final class StreamingScorer {
    public struct Options: Sendable {
        /// Buffered events that trigger a flush of idle visitors. Small chunks
        /// keep the scoring thread's tables in cache and its last chunk (scored
        /// after reading ends, alone) short: 50,000 scored 1.1M events 5–8%
        /// faster than 200,000.
        public var chunkEvents = 50_000
        public var prefix: SessionPrefix = .all
        public var reasons = 0
        public var playbook: ContentPlaybook?
        public var threads = Parallel.defaultThreads
        /// Applied per flushed chunk (a visitor's sessions are counted within one chunk).
        public var limits = SessionLimits()
        /// Per session of a chunk (by pseudonymous id), how many first events its
        /// features may see (`LabelSet.eventLimits`: sessions labelled by an outcome
        /// are cut before it, as in training); nil: all.
        public var eventLimits: (@Sendable ([String]) -> [Int]?)?
        public init() {}
    }

    public struct Summary: Sendable {
        public var events = 0
        public var sessions = 0
        public var chunks = 0
        /// Most events held at once.
        public var peakBufferedEvents = 0
        /// Events of visitors still active copied over at flushes (at most
        /// about two per event read, however many visitors are active at once).
        public var carriedEvents = 0
        public var sessionsOverEventLimit = 0
        public var visitorsOverSessionLimit = 0
        /// Sessions left out for having no page view (as in-memory reading leaves them out).
        public var sessionsWithoutPageView = 0
        /// Exact repeats of an event left out (`EventTable.isRepeat`).
        public var repeatedEvents = 0
        public init() {}
    }

    public enum Failure: Error, CustomStringConvertible {
        case notTimeOrdered(file: String, event: Int)
        public var description: String {
            switch self {
            case .notTimeOrdered(let file, let event):
                "\(file): event \(event) is older than events of its visitor already scored: the input is not in time order (sort it, or use --sort)"
            }
        }
    }

    let options: Options
    private let stage: Stage
    private let worker = SerialWorker(capacity: 1, name: "visitintent.scoring")
    /// Buffered events sit in tables (the reader's, and the one carried over
    /// from the last flush); per event, its table, row and visitor slot.
    private var tables: [EventTable] = []
    private var bufferTable: [Int32] = []
    private var bufferRow: [Int32] = []
    private var bufferSlots: [Int32] = []
    /// Events added one at a time, until they make a table.
    private var pending = EventTable()
    private var pendingFile = "events"
    /// Visitors (by pseudonym) to slots, slot + 1 being the pseudonym's code
    /// (pseudonyms are never empty): looked up once per visitor of a table, not per event.
    private var slots = StringPool()
    /// Per slot, the time of the visitor's last buffered event (`.min`: none buffered).
    private var lastSeen: [Int64] = []
    /// Per slot, the time of its last scored event (a session's end; `.min`: none).
    private var scoredUntil: [Int64] = []
    private var maxTime: Int64 = .min
    private lazy var nextFlush = options.chunkEvents
    private var counted = Summary()
    let timeoutMs: Int64

    /// What this thread counted, with what the scoring thread counted so far.
    public var summary: Summary {
        var s = counted
        let scored = stage.counts
        s.sessions = scored.sessions
        s.chunks = scored.chunks
        s.sessionsOverEventLimit = scored.sessionsOverEventLimit
        s.visitorsOverSessionLimit = scored.visitorsOverSessionLimit
        s.sessionsWithoutPageView = scored.sessionsWithoutPageView
        s.repeatedEvents = scored.repeatedEvents
        return s
    }

    public convenience init(model: any Classifier, writer: ScoreWriter, options: Options) throws {
        try self.init(spec: model.requireFeatureSpec(), output: ScoreOutput(model: model, writer: writer, options: options), options: options)
    }

    /// Sessions and their features by `spec`, each closed chunk handed to `output`
    /// (which completes at `finish`).
    public init(spec: FeatureSpec, output: any ChunkOutput, options: Options) throws {
        self.options = options
        self.stage = Stage(extractor: try FeatureExtractor(spec: spec), spec: spec, options: options, output: output)
        self.timeoutMs = Int64(spec.sessionizer.inactivityTimeoutMinutes * 60_000)
    }

    deinit { worker.stop() }

    /// Adds one event (as the reader gives it: pseudonymised, redacted), in time order.
    public func add(_ event: RawEvent, file: String = "events") throws {
        if pending.count > 0 && file != pendingFile { try addPending() }
        pending.append(event, visitorPseudonym: event.visitorId!)
        pendingFile = file
        if pending.count >= 4096 { try addPending() }
    }

    private func addPending() throws {
        guard pending.count > 0 else { return }
        let table = pending
        pending = EventTable()
        try add(table, file: pendingFile)
    }

    /// Adds a table of events (`PipelinedReader.forEachTable`), in time order.
    public func add(_ table: EventTable, file: String = "events") throws {
        if pending.count > 0 && table.count > 0 { try addPending() }  // events added one by one come first
        var tableIndex = Int32(tables.count)
        tables.append(table)
        // The per-event state is moved into locals for the loop (and back around a flush):
        // as a class's properties, every access was checked for exclusivity at run time.
        var state = takeState()
        defer { putState(state) }
        // Visitors get their slots first, in order of first event, all at once (so the
        // look-ups' cache misses overlap): the same slots as one by one in the loop.
        var slotOf = [Int32](repeating: -1, count: table.pool.strings.count)
        var visitors: [Int32] = []
        for code in table.visitor where slotOf[Int(code)] < 0 {
            slotOf[Int(code)] = 0
            visitors.append(code)
        }
        var slotCodes = [Int32](repeating: 0, count: visitors.count)
        visitors.withUnsafeBufferPointer { v in
            slotCodes.withUnsafeMutableBufferPointer { state.slots.intern(v, of: table.pool, into: $0) }
        }
        for (code, slotCode) in zip(visitors, slotCodes) {
            let slot = slotCode - 1
            slotOf[Int(code)] = slot
            if Int(slot) == state.lastSeen.count {
                state.lastSeen.append(.min)
                state.scoredUntil.append(.min)
            }
        }
        for r in 0..<table.count {
            let code = Int(table.visitor[r]), t = table.time[r]
            state.events += 1
            let slot = Int(slotOf[code])
            // The per-slot times of a visitor met a few rows ahead are loaded now: with every
            // visitor's slot, the arrays outgrow the caches, and these loads were half the loop.
            if r + 16 < table.count {
                let ahead = Int(slotOf[Int(table.visitor[r + 16])])
                state.scoredUntil.prefetch(ahead)
                state.lastSeen.prefetch(ahead)
            }
            // An event of an already-scored visitor within the timeout of its last scored session
            // belongs to that session: the input is out of order, and scoring on would split it.
            if state.scoredUntil[slot] != .min, t <= state.scoredUntil[slot] + timeoutMs, state.lastSeen[slot] == .min {
                worker.stop()  // nothing more is written once this error is thrown
                throw Failure.notTimeOrdered(file: file, event: state.events)
            }
            state.bufferTable.append(tableIndex)
            state.bufferRow.append(Int32(r))
            state.bufferSlots.append(Int32(slot))
            state.lastSeen[slot] = max(state.lastSeen[slot], t)
            state.maxTime = max(state.maxTime, t)
            state.peakBufferedEvents = max(state.peakBufferedEvents, state.bufferSlots.count)
            if state.bufferSlots.count >= state.nextFlush {
                putState(state)
                do { try flush(idleBefore: maxTime - timeoutMs) } catch {
                    state = takeState()  // what the flush left, not the copy from before it, goes back
                    throw error
                }
                state = takeState()
                // Visitors still active stay buffered: wait for another chunk, and at least as many
                // events as stayed, before scanning again, so events carried over are copied at most
                // once per new event however many visitors are active at once.
                state.nextFlush = state.bufferSlots.count + max(options.chunkEvents, state.bufferSlots.count)
                // The flush carried the open events over into a table of their own; this one's rest follows.
                tableIndex = Int32(tables.count)
                tables.append(table)
            }
        }
    }

    /// The buffered events' per-event arrays, the per-slot times and the counters,
    /// as `add` holds them in its loop.
    private struct LoopState {
        var bufferTable: [Int32], bufferRow: [Int32], bufferSlots: [Int32]
        var lastSeen: [Int64], scoredUntil: [Int64]
        var slots: StringPool
        var events: Int, peakBufferedEvents: Int, maxTime: Int64, nextFlush: Int
    }

    private func takeState() -> LoopState {
        defer { bufferTable = []; bufferRow = []; bufferSlots = []; lastSeen = []; scoredUntil = []; slots = StringPool() }
        return LoopState(bufferTable: bufferTable, bufferRow: bufferRow, bufferSlots: bufferSlots, lastSeen: lastSeen, scoredUntil: scoredUntil,
                         slots: slots, events: counted.events, peakBufferedEvents: counted.peakBufferedEvents, maxTime: maxTime, nextFlush: nextFlush)
    }

    private func putState(_ s: LoopState) {
        bufferTable = s.bufferTable; bufferRow = s.bufferRow; bufferSlots = s.bufferSlots
        lastSeen = s.lastSeen; scoredUntil = s.scoredUntil; slots = s.slots
        counted.events = s.events; counted.peakBufferedEvents = s.peakBufferedEvents; maxTime = s.maxTime; nextFlush = s.nextFlush
    }

    /// Scores everything still buffered and writes pending rows.
    public func finish() throws {
        try addPending()
        try flush(idleBefore: .max)
        try worker.finish()
        worker.stop()
        try stage.output.finish()
    }

    /// Hands the visitors whose last event is before `cutoff` to the scoring
    /// thread, as one table; the others' events are carried over into another.
    private func flush(idleBefore cutoff: Int64) throws {
        // Locals for the loops: every access to a class's stored property is checked
        // for exclusivity at run time, and these are read per buffered event.
        let bufferSlots = self.bufferSlots, bufferTable = self.bufferTable, bufferRow = self.bufferRow, tables = self.tables
        var lastSeen: [Int64] = [], scoredUntil: [Int64] = []
        swap(&lastSeen, &self.lastSeen)
        swap(&scoredUntil, &self.scoredUntil)
        defer {
            swap(&lastSeen, &self.lastSeen)
            swap(&scoredUntil, &self.scoredUntil)
        }
        var closed = EventTable(), open = EventTable()
        closed.reserveCapacity(bufferSlots.count)  // most buffered events are closed at a flush
        closed.pool.reserveCapacity(bufferSlots.count / 2)  // and most of its strings are ids
        var openSlots: [Int32] = []
        var closedSlots: [Int32] = []  // by the closed table's visitor code
        // Buffered rows follow their tables' order: take each table's run of rows at once
        // (passing `tables[t]` per row retained and released its two dozen arrays every time).
        var closedRows: [Int32] = [], openRows: [Int32] = [], closedRowSlots: [Int32] = []
        var k = 0
        while k < bufferSlots.count {
            let t = Int(bufferTable[k])
            let source = tables[t]
            closedRows.removeAll(keepingCapacity: true)
            openRows.removeAll(keepingCapacity: true)
            closedRowSlots.removeAll(keepingCapacity: true)
            while k < bufferSlots.count && Int(bufferTable[k]) == t {
                let slot = bufferSlots[k]
                if k + 16 < bufferSlots.count {  // as in `add`: a later event's visitor time, loaded now
                    lastSeen.prefetch(Int(bufferSlots[k + 16]))
                }
                if lastSeen[Int(slot)] < cutoff {
                    closedRows.append(bufferRow[k])
                    closedRowSlots.append(slot)
                } else {
                    openRows.append(bufferRow[k])
                    openSlots.append(slot)
                }
                k += 1
            }
            let first = closed.count
            var remap = EventTable.remap(for: source)
            closedRows.withUnsafeBufferPointer { closed.append(rows: $0, of: source, remap: &remap) }
            for (j, slot) in closedRowSlots.enumerated() {
                let code = Int(closed.visitor[first + j])
                if code >= closedSlots.count { closedSlots.append(contentsOf: repeatElement(-1, count: code + 1 - closedSlots.count)) }
                closedSlots[code] = slot
            }
            remap = EventTable.remap(for: source)
            openRows.withUnsafeBufferPointer { open.append(rows: $0, of: source, remap: &remap) }
        }
        for slot in bufferSlots {
            let last = lastSeen[Int(slot)]
            if last != .min, last < cutoff {
                scoredUntil[Int(slot)] = max(scoredUntil[Int(slot)], last)
                lastSeen[Int(slot)] = .min
            }
        }
        counted.carriedEvents += open.count
        self.tables = open.count > 0 ? [open] : []
        self.bufferTable = [Int32](repeating: 0, count: open.count)
        self.bufferRow = (0..<Int32(open.count)).map { $0 }
        self.bufferSlots = openSlots
        if closed.count == 0 { return }
        let stage = self.stage
        let visitorSlots = closedSlots
        try worker.submit { try stage.score(closed, visitorSlots: visitorSlots) }
    }
}

extension StreamingScorer {
    /// The scoring thread's side: sessions, features and output (scores, or
    /// the rows) for each closed chunk, in order, and the per-visitor history they need.
    final class Stage: @unchecked Sendable {
        struct History {
            var starts: [Int64] = []    // session starts within the last 30 days, ascending
            var first: Int64 = 0
            var sessions: Int32 = 0
            var consulted = false
        }

        let extractor: FeatureExtractor
        let spec: FeatureSpec
        let options: Options
        let output: any ChunkOutput
        /// By visitor slot.
        private var history: [History] = []
        private let lock = NSLock()
        private var scored = Summary()

        init(extractor: FeatureExtractor, spec: FeatureSpec, options: Options, output: any ChunkOutput) {
            self.extractor = extractor
            self.spec = spec
            self.options = options
            self.output = output
        }

        /// Chunks, sessions and limits counted so far (read from the other thread).
        var counts: Summary { lock.withLock { scored } }

        /// Scores `table`, whose visitor codes have the slots `visitorSlots`.
        func score(_ table: EventTable, visitorSlots: [Int32]) throws {
            var sessions = Sessionizer(configuration: spec.sessionizer, limits: options.limits).sessions(of: table, history: false)
            let after = applyHistory(&sessions, table, visitorSlots: visitorSlots)
            let matrix = extractor.extract(events: table, sessions: sessions, prefix: options.prefix, eventLimits: options.eventLimits?(sessions.id),
                                           threads: options.threads, withSegments: false)
            try output.write(matrix, after: after)
            lock.withLock {
                scored.chunks += 1
                scored.sessions += sessions.count
                scored.sessionsOverEventLimit += sessions.sessionsOverEventLimit
                scored.visitorsOverSessionLimit += sessions.visitorsOverSessionLimit
                scored.sessionsWithoutPageView += sessions.sessionsWithoutPageView
                scored.repeatedEvents += sessions.repeatedEvents
            }
        }

        /// Sets the history features from what earlier chunks saw, and updates it;
        /// returns, per session, whether a consultation came before it.
        private func applyHistory(_ s: inout SessionTable, _ events: EventTable, visitorSlots: [Int32]) -> [Bool] {
            let day: Int64 = 86_400_000
            let consultation = options.playbook?.consultationEvents ?? ["booking"]
            // Whether an event name is a consultation, decided once per kind and per other name.
            let kindIsConsultation = EventKind.allCases.map { consultation.contains($0.name) }
            var otherIsConsultation: [Int32: Bool] = [:]
            func isConsultation(_ e: Int) -> Bool {
                let kind = events.kind[e]
                if kind != .other { return kindIsConsultation[Int(kind.rawValue)] }
                let code = events.otherName[e]
                if let known = otherIsConsultation[code] { return known }
                let answer = consultation.contains(events.pool[code])
                otherIsConsultation[code] = answer
                return answer
            }
            var after = [Bool](repeating: false, count: s.count)
            for i in 0..<s.count {  // sessions are in start order
                let slot = Int(visitorSlots[Int(s.visitor[i])])
                if slot >= history.count { history.append(contentsOf: repeatElement(History(), count: slot + 1 - history.count)) }
                // The history of a visitor a few sessions on is loaded now (a cache miss per session otherwise).
                if i + 8 < s.count {
                    let ahead = Int(visitorSlots[Int(s.visitor[i + 8])])
                    history.prefetch(ahead)
                }
                let t = s.start[i]
                // In place: a copy out of the array and back copied `starts` every session.
                history.withUnsafeMutableBufferPointer { all in
                    if all[slot].sessions == 0 { all[slot].first = t }
                    all[slot].starts.removeAll { $0 < t - 30 * day }
                    s.previous7Days[i] = Int32(all[slot].starts.reduce(0) { $0 + ($1 >= t - 7 * day ? 1 : 0) })
                    s.previous30Days[i] = Int32(all[slot].starts.count)
                    s.daysSinceFirstVisit[i] = Float(Double(t - all[slot].first) / Double(day))
                    s.visitIndex[i] = all[slot].sessions
                    after[i] = all[slot].consulted
                    all[slot].starts.append(t)
                    all[slot].sessions += 1
                    if !all[slot].consulted && s.events(of: i).contains(where: { isConsultation(Int($0)) }) { all[slot].consulted = true }
                }
            }
            return after
        }
    }
}

extension StreamingScorer {
    /// One pass over the event files `paths` into the scorer `make` returns,
    /// which is made when the first events arrive (a model can still be loading
    /// while the reading starts) and finished at the end: each table as it is
    /// read, or, when `sorted`, every event through temporary files, one per
    /// day, first. Throws `Failure.notTimeOrdered` for unsorted input read as is:
    /// the caller may start its output over and pass again, sorted.
    public static func pass(paths: [String], reader: EventReader, sorted: Bool, progress: Progress, done: String = "events scored",
                            make: () throws -> StreamingScorer) throws -> (read: EventReader.Summary, scorer: StreamingScorer) {
        var made: StreamingScorer?
        func scorer() throws -> StreamingScorer {
            if let made { return made }
            let s = try make()
            made = s
            return s
        }
        let read: EventReader.Summary
        if sorted {
            let spill = try DaySpill()
            read = try PipelinedReader(reader: reader).forEachEvent(paths: paths) { event, _ in
                try spill.add(event)
                progress.count(spill.events, "events sorted")
            }
            try spill.forEachInOrder(reader: reader) { let s = try scorer(); try s.add($0, file: "sorted events"); progress.count(s.summary.events, done) }
        } else {
            read = try PipelinedReader(reader: reader).forEachTable(paths: paths) { events, file in
                let s = try scorer()
                try s.add(events, file: file)
                progress.count(s.summary.events, done)
            }
        }
        let s = try scorer()
        try s.finish()
        progress.count(s.summary.events, done, final: true)
        return (read, s)
    }
}
