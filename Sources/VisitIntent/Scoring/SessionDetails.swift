import LinearAlgebra

/// What a marketer acts on beside the probabilities: why (reason codes),
/// about what (the dominant topic), when (before or after a consultation)
/// and what to show (the playbook's content).
public struct SessionDetails: Sendable, Equatable {
    public var reasons: [ReasonCode] = []
    public var topic: String?
    public var stage: ContentPlaybook.Stage = .before
    public var content: ContentPlaybook.Rule?

    public init(reasons: [ReasonCode] = [], topic: String? = nil, stage: ContentPlaybook.Stage = .before, content: ContentPlaybook.Rule? = nil) {
        self.reasons = reasons
        self.topic = topic
        self.stage = stage
        self.content = content
    }

    /// Details for every row of `x` (the model's feature rows). `after[r]`
    /// says the visitor had a consultation before session `r`.
    public static func compute(model: any Classifier, x: Matrix<Float>, probabilities p: Matrix<Double>, reasons count: Int,
                               playbook: ContentPlaybook?, after: [Bool]?, threads: Int) -> [SessionDetails] {
        let rows = x.rows, d = x.columns, k = model.classes.count
        let predicted = predictedClasses(p)
        // Dominant topic: most seconds read, then most views (feature-spec models only).
        // (The service calls this once per request: no copy of the column names.)
        let columns = model.featureColumns
        var dwell: [Int] = [], views: [Int] = []
        for (j, column) in columns.enumerated() where column.name.utf8.first == UInt8(ascii: "t") {
            if column.name.hasPrefix("topic_dwell_s:") { dwell.append(j) } else if column.name.hasPrefix("topic_views:") { views.append(j) }
        }
        var out = [SessionDetails](repeating: SessionDetails(), count: rows)
        out.withUnsafeMutableBufferPointer { buffer in
            let o = buffer
            Parallel.forEach(blocks: (rows + 255) / 256, threads: threads) { b in
                for r in (b * 256)..<min(rows, (b + 1) * 256) {
                    let row = Array(x.storage[(r * d)..<((r + 1) * d)])
                    var detail = SessionDetails()
                    if count > 0 { detail.reasons = ReasonCode.top(model.explain(row), toward: Int(predicted[r]), classCount: k, count: count) }
                    var best = -1
                    var bestKey: (Float, Float) = (0, 0)
                    for (t, j) in dwell.enumerated() {
                        let key = (row[j], t < views.count ? row[views[t]] : 0)
                        if key > bestKey { bestKey = key; best = t }
                    }
                    if best < 0 {
                        for (t, j) in views.enumerated() where row[j] > bestKey.1 { bestKey = (0, row[j]); best = t }
                    }
                    if best >= 0 { detail.topic = String(columns[dwell.isEmpty ? views[best] : dwell[best]].name.split(separator: ":", maxSplits: 1)[1]) }
                    detail.stage = (after?[r] ?? false) ? .after : .before
                    detail.content = playbook?.content(intent: model.classes[Int(predicted[r])], topic: detail.topic, stage: detail.stage)
                    o[r] = detail
                }
            }
        }
        return out
    }

    /// For each session of `data`, whether an earlier session of its visitor
    /// holds one of `events` (a consultation was booked or took place).
    public static func afterConsultation(_ data: SessionDataset, events names: [String]) -> [Bool] {
        let e = data.events, s = data.sessions
        func isConsultation(_ i: Int) -> Bool {
            return names.contains(e.eventName(i))
        }
        var byVisitor: [Int32: [Int]] = [:]
        for i in 0..<s.count { byVisitor[s.visitor[i], default: []].append(i) }
        var after = [Bool](repeating: false, count: s.count)
        for (_, list) in byVisitor {
            let ordered = list.sorted { (s.start[$0], $0) < (s.start[$1], $1) }
            var seen = false
            for i in ordered {
                after[i] = seen
                if !seen && s.events(of: i).contains(where: { isConsultation(Int($0)) }) { seen = true }
            }
        }
        return after
    }
}
