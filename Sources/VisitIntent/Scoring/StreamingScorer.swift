import Foundation

/// Scores events of any size with memory bounded by the visitors still
/// active, for time-ordered input: events are buffered until a visitor has
/// been idle longer than the session timeout, then that visitor's sessions
/// are sessionized, featurized, scored and written, and only a small
/// per-visitor history (session starts of the last 30 days, first visit,
/// consultation seen) is kept for the history features.
///
/// Scores equal in-memory scoring's for time-ordered input (tested), except
/// two corner cases documented in `docs/scoring.md`: an explicit session id
/// reused after more than the timeout, and gap-based session ids that collide.
public final class StreamingScorer {
    public struct Options: Sendable {
        /// Buffered events that trigger a flush of idle visitors.
        public var chunkEvents = 200_000
        public var prefix: SessionPrefix = .all
        public var reasons = 0
        public var playbook: ContentPlaybook?
        public var threads = Parallel.defaultThreads
        /// Applied per flushed chunk (a visitor's sessions are counted within one chunk).
        public var limits = SessionLimits()
        public init() {}
    }

    public struct Summary: Sendable {
        public var events = 0
        public var sessions = 0
        public var chunks = 0
        /// Most events held at once.
        public var peakBufferedEvents = 0
        public var sessionsOverEventLimit = 0
        public var visitorsOverSessionLimit = 0
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

    struct History {
        var starts: [Int64] = []    // session starts within the last 30 days, ascending
        var first: Int64 = 0
        var sessions: Int32 = 0
        var consulted = false
        var lastScoredEnd: Int64 = .min
    }

    let model: any Classifier
    let extractor: FeatureExtractor
    let spec: FeatureSpec
    let options: Options
    let writer: ScoreWriter
    private var buffer: [RawEvent] = []
    private var lastSeen: [String: Int64] = [:]
    private var history: [String: History] = [:]
    private var maxTime: Int64 = .min
    private lazy var nextFlush = options.chunkEvents
    public private(set) var summary = Summary()
    let timeoutMs: Int64

    public init(model: any Classifier, writer: ScoreWriter, options: Options) throws {
        self.model = model
        self.spec = try model.requireFeatureSpec()
        self.extractor = try FeatureExtractor(spec: spec)
        self.writer = writer
        self.options = options
        self.timeoutMs = Int64(spec.sessionizer.inactivityTimeoutMinutes * 60_000)
    }

    /// Adds one event (as the reader gives it: pseudonymised, redacted), in time order.
    public func add(_ event: RawEvent, file: String = "events") throws {
        let visitor = event.visitorId!, t = event.timestamp!.epochMilliseconds
        summary.events += 1
        // An event of an already-scored visitor within the timeout of its last scored session
        // belongs to that session: the input is out of order, and scoring on would split it.
        if let h = history[visitor], t <= h.lastScoredEnd + timeoutMs, lastSeen[visitor] == nil {
            throw Failure.notTimeOrdered(file: file, event: summary.events)
        }
        buffer.append(event)
        lastSeen[visitor] = max(lastSeen[visitor] ?? .min, t)
        maxTime = max(maxTime, t)
        summary.peakBufferedEvents = max(summary.peakBufferedEvents, buffer.count)
        if buffer.count >= nextFlush {
            try flush(idleBefore: maxTime - timeoutMs)
            // Visitors still active stay buffered: wait for another chunk before scanning again,
            // so a long-running visitor cannot make every event rescan the buffer.
            nextFlush = buffer.count + options.chunkEvents
        }
    }

    /// Scores everything still buffered and writes pending rows.
    public func finish() throws {
        try flush(idleBefore: .max)
        try writer.finish()
    }

    /// Scores the visitors whose last event is before `cutoff`.
    private func flush(idleBefore cutoff: Int64) throws {
        var closed: [RawEvent] = [], open: [RawEvent] = []
        for e in buffer {
            if lastSeen[e.visitorId!]! < cutoff { closed.append(e) } else { open.append(e) }
        }
        buffer = open
        for e in closed where lastSeen[e.visitorId!] ?? .max < cutoff { lastSeen[e.visitorId!] = nil }
        if closed.isEmpty { return }
        summary.chunks += 1
        var table = EventTable()
        for e in closed { table.append(e, visitorPseudonym: e.visitorId!) }
        var sessions = Sessionizer(configuration: spec.sessionizer, limits: options.limits).sessions(of: table)
        summary.sessionsOverEventLimit += sessions.sessionsOverEventLimit
        summary.visitorsOverSessionLimit += sessions.visitorsOverSessionLimit
        let after = applyHistory(&sessions, table)
        let matrix = extractor.extract(events: table, sessions: sessions, prefix: options.prefix, threads: options.threads)
        let p = try model.predictProbabilities(matrix.values, threads: options.threads)
        var scores = ScoreTable(classes: model.classes, sessionIDs: matrix.sessionIDs, visitorIDs: matrix.visitorIDs, sessionStart: matrix.sessionStart, probabilities: p)
        if options.reasons > 0 || options.playbook != nil {
            scores.details = SessionDetails.compute(model: model, x: matrix.values, probabilities: p, reasons: options.reasons, playbook: options.playbook,
                                                    after: after, threads: options.threads)
        }
        try writer.append(scores)
        summary.sessions += sessions.count
    }

    /// Sets the history features from what earlier chunks saw, and updates it;
    /// returns, per session, whether a consultation came before it.
    private func applyHistory(_ s: inout SessionTable, _ events: EventTable) -> [Bool] {
        let day: Int64 = 86_400_000
        let consultation = options.playbook?.consultationEvents ?? ["booking"]
        var after = [Bool](repeating: false, count: s.count)
        for i in 0..<s.count {  // sessions are in start order
            let visitor = events.pool[s.visitor[i]]
            var h = history[visitor] ?? History()
            let t = s.start[i]
            if h.sessions == 0 { h.first = t }
            h.starts.removeAll { $0 < t - 30 * day }
            s.previous7Days[i] = Int32(h.starts.filter { $0 >= t - 7 * day }.count)
            s.previous30Days[i] = Int32(h.starts.count)
            s.daysSinceFirstVisit[i] = Float(Double(t - h.first) / Double(day))
            s.visitIndex[i] = h.sessions
            after[i] = h.consulted
            h.starts.append(t)
            h.sessions += 1
            h.lastScoredEnd = max(h.lastScoredEnd, s.end[i])
            if !h.consulted && s.events(of: i).contains(where: { consultation.contains(events.eventName(Int($0))) }) { h.consulted = true }
            history[visitor] = h
        }
        return after
    }
}
