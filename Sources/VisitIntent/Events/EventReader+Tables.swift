import Foundation

extension EventReader {
    /// Reads canonical JSON Lines held in memory into `table`: each line goes
    /// through `decoder` (no `RawEvent`, no `String` per field) when it can,
    /// and alone through the full path otherwise (blank lines, a byte-order
    /// mark, any error, anything unusual), so events, errors, skip counts and
    /// consent counts are those of `forEachEvent(bytes:)`. Line numbers in
    /// errors start at `firstLine`; `lines` is set to the lines read (the line
    /// ends, and a last line without one).
    func appendJSONLines(bytes all: UnsafeBufferPointer<UInt8>, name: String, firstLine: Int, admission: inout Admission, decoder: inout EventLineDecoder,
                         into table: inout EventTable, lines: inout Int) throws -> Summary {
        var summary = Summary()
        decoder.startTable()
        var line = firstLine
        defer { lines = line - firstLine }
        try {
            guard let base = all.baseAddress else { return }
            var start = 0
            while start < all.count {
                // The decoder sees at most the longest line allowed and its line end: a longer
                // line is declined, and the full path reports it.
                let bound = min(all.count, start + options.maxLineBytes + 1)
                if let length = decoder.append(lineAt: UnsafeBufferPointer(rebasing: all[start..<bound]), endsData: all.count - start <= options.maxLineBytes,
                                               to: &table, summary: &summary) {
                    start += length + 1
                    line += 1
                    continue
                }
                let end = memchr(base + start, 0x0A, all.count - start).map { UnsafePointer($0.assumingMemoryBound(to: UInt8.self)) - base } ?? all.count
                decoder.flush(into: &table)  // rows before this line go first
                summary.merge(try forEachEvent(bytes: Array(all[start..<end]), name: name, firstLine: line, admission: &admission) {
                    table.append($0, visitorPseudonym: $0.visitorId!)
                })
                start = end + 1
                line += 1
            }
        }()
        decoder.flush(into: &table)
        return summary
    }
}
