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

    /// Rows are built as bytes (string concatenation cost more than scoring), in a
    /// local buffer taken from `buffer` for the call: every access to a class's
    /// stored property is checked for exclusivity at run time.
    private func withBuffer(_ body: (inout [UInt8]) throws -> Void) rethrows {
        var bytes: [UInt8] = []
        swap(&bytes, &buffer)
        defer { swap(&bytes, &buffer) }
        try body(&bytes)
    }

    private func flush(_ buffer: inout [UInt8], force: Bool = false) throws {
        if force || buffer.count > 1 << 20 { try out.write(buffer); buffer.removeAll(keepingCapacity: true) }
    }

    private static func addNumbers(_ ps: ArraySlice<Double>, to buffer: inout [UInt8]) {
        for c in ps.indices {
            if c > ps.startIndex { buffer.append(UInt8(ascii: ",")) }
            FixedDecimal.appendSixDigits(ps[c], to: &buffer)
        }
    }

    private func header(_ buffer: inout [UInt8]) {
        guard !headerWritten else { return }
        headerWritten = true
        guard format == .csv else { return }
        let ps = classes.map { CSVText.quote("p_" + $0) }.joined(separator: ",")
        let extra = withDetails ? ",topic,stage,content,content_url,reasons" : ""
        switch level {
        case .session: buffer.append(contentsOf: "session_id,visitor,\(ps),intent\(extra)\n".utf8)
        case .visitor: buffer.append(contentsOf: ("visitor,sessions,latest_session_id,\(ps),intent," + classes.map { CSVText.quote("max_p_" + $0) }.joined(separator: ",") + "\(extra)\n").utf8)
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
    private static func argmax<C: RandomAccessCollection>(_ ps: C) -> Int where C.Element == Double, C.Index == Int {
        var best = ps.startIndex
        for c in ps.indices where ps[c] > ps[best] { best = c }
        return best - ps.startIndex
    }

    /// Adds a chunk of scored sessions.
    public func append(_ t: ScoreTable) throws {
        try withBuffer { try append(t, into: &$0) }
    }

    private func append(_ t: ScoreTable, into buffer: inout [UInt8]) throws {
        header(&buffer)
        let k = classes.count
        let quotedClasses = classes.map { Array(CSVText.quote($0).utf8) }
        let plain = format == .csv && level == .session && !withDetails
        var r = 0
        while r < t.sessionIDs.count {
            // Plain session rows in one go, up to the first that needs the general path below.
            if plain {
                r = try appendPlainRows(t, from: r, classes: quotedClasses, to: &buffer)
                if r == t.sessionIDs.count { break }
            }
            defer { r += 1 }
            // The row's probabilities in place (an array per row cost a tenth of writing).
            let ps = t.probabilities.storage[(r * k)..<((r + 1) * k)]
            let detail = t.details?[r]
            switch level {
            case .session:
                let best = Self.argmax(ps), intent = classes[best]
                if format == .csv {
                    CSVText.append(t.sessionIDs[r], to: &buffer)
                    buffer.append(UInt8(ascii: ","))
                    buffer.append(contentsOf: t.visitorIDs[r].utf8)
                    buffer.append(UInt8(ascii: ","))
                    Self.addNumbers(ps, to: &buffer)
                    buffer.append(UInt8(ascii: ","))
                    buffer.append(contentsOf: quotedClasses[best])
                    if withDetails { buffer.append(contentsOf: csvDetails(detail).utf8) }
                    buffer.append(UInt8(ascii: "\n"))
                } else {
                    buffer.append(contentsOf: "{\"session_id\":\(JSONText.quote(t.sessionIDs[r])),\"visitor\":\"\(t.visitorIDs[r])\",\"probabilities\":\(probabilitiesJSON(ps)),\"intent\":\(JSONText.quote(intent))\(jsonDetails(detail))}\n".utf8)
                }
                try flush(&buffer)
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

    /// Session rows from `from` as CSV, each in one append, while their ids need no
    /// quotes and their numbers no `String(format:)` (almost always); returns the first
    /// row not written. Ten appends a row, each checking the array's capacity and
    /// uniqueness, were most of the writer's time; the columns are read in place
    /// (copying a row's two ids out of their arrays retained and released them).
    private func appendPlainRows(_ t: ScoreTable, from: Int, classes: [[UInt8]], to buffer: inout [UInt8]) throws -> Int {
        let k = classes.count, end = t.sessionIDs.count
        // A row: the two ids and the comma between them (longer ids take the general path),
        // each number after its comma, the intent after its comma, and the line end.
        let idBytes = 128
        let bound = idBytes + 1 + k * (FixedDecimal.maxWritten + 1) + 1 + (classes.map(\.count).max() ?? 0) + 1
        return try t.sessionIDs.withUnsafeBufferPointer { ids in
            try t.visitorIDs.withUnsafeBufferPointer { visitors in
                try t.probabilities.storage.withUnsafeBufferPointer { probabilities in
                    try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: bound) { out in
                        let p = out.baseAddress!
                        for r in from..<end {
                            let ps = UnsafeBufferPointer(rebasing: probabilities[(r * k)..<((r + 1) * k)])
                            let written: Int? = ids[r].utf8.withContiguousStorageIfAvailable { id -> Int? in
                                visitors[r].utf8.withContiguousStorageIfAvailable { visitor -> Int? in
                                    guard id.count + visitor.count <= idBytes, CSVText.isPlain(id) else { return nil }
                                    var n = 0
                                    @inline(__always) func put(_ bytes: UnsafeBufferPointer<UInt8>) {
                                        if let b = bytes.baseAddress { (p + n).update(from: b, count: bytes.count) }
                                        n += bytes.count
                                    }
                                    put(id)
                                    p[n] = UInt8(ascii: ","); n += 1
                                    put(visitor)
                                    for c in 0..<k {
                                        p[n] = UInt8(ascii: ","); n += 1
                                        guard let w = FixedDecimal.write(ps[c], to: p + n) else { return nil }
                                        n += w
                                    }
                                    p[n] = UInt8(ascii: ","); n += 1
                                    classes[Self.argmax(ps)].withUnsafeBufferPointer { put($0) }
                                    p[n] = UInt8(ascii: "\n"); n += 1
                                    return n
                                } ?? nil
                            } ?? nil
                            guard let written else { return r }
                            buffer.append(contentsOf: UnsafeBufferPointer(start: p, count: written))
                            try flush(&buffer)
                        }
                        return end
                    }
                }
            }
        }
    }

    /// Writes what is pending (the visitor rows) and flushes.
    public func finish() throws {
        try withBuffer { try finish(into: &$0) }
    }

    private func finish(into buffer: inout [UInt8]) throws {
        header(&buffer)
        if level == .visitor {
            for v in visitorOrder {
                let s = visitors[v]!
                let intent = classes[Self.argmax(s.probabilities[...])]
                if format == .csv {
                    buffer.append(contentsOf: "\(v),\(s.sessions),\(CSVText.quote(s.latestSession)),\(s.probabilities.map(Self.number).joined(separator: ",")),\(CSVText.quote(intent)),\(s.maxima.map(Self.number).joined(separator: ","))\(csvDetails(s.details))\n".utf8)
                } else {
                    buffer.append(contentsOf: "{\"visitor\":\"\(v)\",\"sessions\":\(s.sessions),\"latest_session_id\":\(JSONText.quote(s.latestSession)),\"probabilities\":\(probabilitiesJSON(s.probabilities[...])),\"intent\":\(JSONText.quote(intent)),\"max_probabilities\":\(probabilitiesJSON(s.maxima[...]))\(jsonDetails(s.details))}\n".utf8)
                }
                try flush(&buffer)
            }
            visitors = [:]
            visitorOrder = []
        }
        try flush(&buffer, force: true)
    }
}
