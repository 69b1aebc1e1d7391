import Foundation
import LinearAlgebra
import Testing
import VisitIntent
import VisitIntentTestSupport

@Suite struct ScoreWriterTests {
    /// Session rows in CSV, written in one go where they can be and by the general
    /// path where they cannot (an id that needs quotes, a short id, a probability
    /// left to `String(format:)`), give the bytes the format spells: quoted ids,
    /// `%.6f` probabilities and the first class of highest probability, in row order.
    @Test func csvRowsSpellTheirFieldsWhicheverPathWritesThem() throws {
        let long = String(repeating: "0123456789abcdef", count: 2)
        let ids = [long, "a,b" + long, long + "-2", "s1", long + "~2", long + "\"q"]
        let visitors = [long, long, long, "v", long, long]
        let p: [[Double]] = [[0.25, 0.75], [0.5, 0.5], [0.0000005, 0.9999995], [0.1, 0.9], [0.999999, 0.000001], [0.3, 0.7]]
        let classes = ["booking", "curiosity"]
        let table = ScoreTable(classes: classes, sessionIDs: ids, visitorIDs: visitors, sessionStart: ids.indices.map(Int64.init),
                               probabilities: Matrix(rows: p.count, columns: 2, storage: p.flatMap { $0 }))
        let out = TestSupport.temporaryDirectory() + "/scores.csv"
        try AtomicFile.write(path: out) { w in
            let writer = ScoreWriter(out: w, format: .csv, level: .session, classes: classes, details: false)
            try writer.append(table)
            try writer.finish()
        }
        func quoted(_ s: String) -> String { s.contains(where: { ",\";\n\r".contains($0) }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s }
        var expected = "session_id,visitor,p_booking,p_curiosity,intent\n"
        for r in ids.indices {
            let best = p[r][1] > p[r][0] ? 1 : 0
            expected += "\(quoted(ids[r])),\(visitors[r]),\(String(format: "%.6f", p[r][0])),\(String(format: "%.6f", p[r][1])),\(classes[best])\n"
        }
        #expect(try String(contentsOfFile: out, encoding: .utf8) == expected)
    }
}
