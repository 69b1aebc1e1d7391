import Foundation

/// Writes scores as they come, chunk by chunk: one row per session at once,
/// or one row per visitor at the end (the latest session's scores and the
/// highest probability of each class), CSV or JSON Lines.
public final class ScoreWriter {
    let out: AtomicFile.Writer
    let format: ScoreTable.Format
    let level: ScoreTable.Level
    let classes: [String]
    let withDetails: Bool
    private var buffer: [UInt8] = []
    private var headerWritten = false
    /// Visitor level: per visitor, (latest start, its row as text fields, maxima, sessions).
    private struct VisitorState { var latestStart: Int64; var latestSession: String; var probabilities: [Double]; var maxima: [Double]; var sessions: Int; var details: SessionDetails? }
    private var visitors: [String: VisitorState] = [:]
    private var visitorOrder: [String] = []

    public init(out: AtomicFile.Writer, format: ScoreTable.Format, level: ScoreTable.Level, classes: [String], details: Bool) {
        self.out = out
        self.format = format
        self.level = level
        self.classes = classes
        self.withDetails = details
    }

    static func number(_ v: Double) -> String { FixedDecimal.sixDigits(v) }

    private func flush(_ force: Bool = false) throws {
        if force || buffer.count > 1 << 20 { try out.write(buffer); buffer.removeAll(keepingCapacity: true) }
    }

    /// Rows are built as bytes: string concatenation cost more than scoring.
    private func add(_ text: String) { buffer.append(contentsOf: text.utf8) }

    private func addNumbers(_ ps: ArraySlice<Double>) {
        for c in ps.indices {
            if c > ps.startIndex { buffer.append(UInt8(ascii: ",")) }
            FixedDecimal.appendSixDigits(ps[c], to: &buffer)
        }
    }

    private func header() {
        guard !headerWritten else { return }
        headerWritten = true
        guard format == .csv else { return }
        let ps = classes.map { CSVText.quote("p_" + $0) }.joined(separator: ",")
        let extra = withDetails ? ",topic,stage,content,content_url,reasons" : ""
        switch level {
        case .session: add("session_id,visitor,\(ps),intent\(extra)\n")
        case .visitor: add("visitor,sessions,latest_session_id,\(ps),intent," + classes.map { CSVText.quote("max_p_" + $0) }.joined(separator: ",") + "\(extra)\n")
        }
    }

    private func csvDetails(_ d: SessionDetails?) -> String {
        guard withDetails else { return "" }
        guard let d else { return ",,,," }
        let reasons = d.reasons.map { "\($0.text) (\(String(format: "%+.2f", $0.contribution)))" }.joined(separator: " | ")
        return "," + CSVText.quote(d.topic ?? "") + "," + d.stage.rawValue + "," + CSVText.quote(d.content?.content ?? "") + "," + CSVText.quote(d.content?.url ?? "") + "," + CSVText.quote(reasons)
    }

    private func jsonDetails(_ d: SessionDetails?) -> String {
        guard withDetails, let d else { return "" }
        var s = ",\"topic\":" + (d.topic.map(JSONText.quote) ?? "null") + ",\"stage\":\"\(d.stage.rawValue)\""
        if let c = d.content { s += ",\"content\":{\"text\":\(JSONText.quote(c.content)),\"url\":\(c.url.map(JSONText.quote) ?? "null")}" } else { s += ",\"content\":null" }
        s += ",\"reasons\":[" + d.reasons.map {
            "{\"feature\":\(JSONText.quote($0.feature)),\"text\":\(JSONText.quote($0.text)),\"value\":\($0.value.isFinite ? String($0.value) : "null"),\"contribution\":\(Self.number($0.contribution))}"
        }.joined(separator: ",") + "]"
        return s
    }

    private func probabilitiesJSON(_ ps: ArraySlice<Double>) -> String {
        "{" + classes.indices.map { "\(JSONText.quote(classes[$0])):\(Self.number(ps[ps.startIndex + $0]))" }.joined(separator: ",") + "}"
    }

    /// The first class of highest probability.
    private static func argmax(_ ps: ArraySlice<Double>) -> Int {
        var best = ps.startIndex
        for c in ps.indices where ps[c] > ps[best] { best = c }
        return best - ps.startIndex
    }

    /// Adds a chunk of scored sessions.
    public func append(_ t: ScoreTable) throws {
        header()
        let k = classes.count
        let quotedClasses = classes.map { Array(CSVText.quote($0).utf8) }
        for r in 0..<t.sessionIDs.count {
            // The row's probabilities in place (an array per row cost a tenth of writing).
            let ps = t.probabilities.storage[(r * k)..<((r + 1) * k)]
            let detail = t.details?[r]
            switch level {
            case .session:
                let best = Self.argmax(ps), intent = classes[best]
                if format == .csv {
                    add(CSVText.quote(t.sessionIDs[r]))
                    buffer.append(UInt8(ascii: ","))
                    add(t.visitorIDs[r])
                    buffer.append(UInt8(ascii: ","))
                    addNumbers(ps)
                    buffer.append(UInt8(ascii: ","))
                    buffer.append(contentsOf: quotedClasses[best])
                    if withDetails { add(csvDetails(detail)) }
                    buffer.append(UInt8(ascii: "\n"))
                } else {
                    add("{\"session_id\":\(JSONText.quote(t.sessionIDs[r])),\"visitor\":\"\(t.visitorIDs[r])\",\"probabilities\":\(probabilitiesJSON(ps)),\"intent\":\(JSONText.quote(intent))\(jsonDetails(detail))}\n")
                }
                try flush()
            case .visitor:
                let v = t.visitorIDs[r]
                if var s = visitors[v] {
                    if t.sessionStart[r] >= s.latestStart { s.latestStart = t.sessionStart[r]; s.latestSession = t.sessionIDs[r]; s.probabilities = Array(ps); s.details = detail }
                    for c in 0..<k { s.maxima[c] = max(s.maxima[c], ps[ps.startIndex + c]) }
                    s.sessions += 1
                    visitors[v] = s
                } else {
                    visitors[v] = VisitorState(latestStart: t.sessionStart[r], latestSession: t.sessionIDs[r], probabilities: Array(ps), maxima: Array(ps), sessions: 1, details: detail)
                    visitorOrder.append(v)
                }
            }
        }
    }

    /// Writes what is pending (the visitor rows) and flushes.
    public func finish() throws {
        header()
        if level == .visitor {
            for v in visitorOrder {
                let s = visitors[v]!
                let intent = classes[Self.argmax(s.probabilities[...])]
                if format == .csv {
                    add("\(v),\(s.sessions),\(CSVText.quote(s.latestSession)),\(s.probabilities.map(Self.number).joined(separator: ",")),\(CSVText.quote(intent)),\(s.maxima.map(Self.number).joined(separator: ","))\(csvDetails(s.details))\n")
                } else {
                    add("{\"visitor\":\"\(v)\",\"sessions\":\(s.sessions),\"latest_session_id\":\(JSONText.quote(s.latestSession)),\"probabilities\":\(probabilitiesJSON(s.probabilities[...])),\"intent\":\(JSONText.quote(intent)),\"max_probabilities\":\(probabilitiesJSON(s.maxima[...]))\(jsonDetails(s.details))}\n")
                }
                try flush()
            }
            visitors = [:]
            visitorOrder = []
        }
        try flush(true)
    }
}
