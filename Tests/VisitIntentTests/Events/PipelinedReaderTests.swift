import Foundation
import Testing
import VisitIntent
import VisitIntentTestSupport

@Suite struct PipelinedReaderTests {
    /// A JSON Lines file of `count` events; line `bad` (1-based), if any, has an unreadable timestamp.
    func file(count: Int, bad: Int? = nil) throws -> String {
        var text = ""
        for i in 1...count {
            let time = i == bad ? "yesterday" : "2026-11-30T10:\(String(format: "%02d", (i / 60) % 60)):\(String(format: "%02d", i % 60))Z"
            text += "{\"visitor_id\":\"v\(i % 37)\",\"timestamp\":\"\(time)\",\"event\":\"page_view\",\"url\":\"https://www.clinique.fr/p\(i % 11)?email=a\(i)%40b.fr\"}\n"
        }
        let path = TestSupport.temporaryDirectory("pipe") + "/events.jsonl"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func pipelined(_ reader: EventReader) -> PipelinedReader {
        var p = PipelinedReader(reader: reader)
        p.blockBytes = 4096  // many blocks, each cut in two parts
        p.batchSize = 50
        p.threads = 2
        return p
    }

    /// Blocks parsed two at a time give the plain reader's events, in order, and its summary.
    @Test func sameEventsInTheSameOrderAsThePlainReader() throws {
        let path = try file(count: 3000)
        let reader = EventReader(pseudonymizer: TestSupport.key)
        var plain: [String] = [], piped: [String] = []
        let s1 = try reader.forEachEvent(path: path) { plain.append($0.canonicalJSONLine) }
        let s2 = try pipelined(reader).forEachEvent(paths: [path, path]) { e, _ in piped.append(e.canonicalJSONLine) }
        #expect(piped == plain + plain)
        #expect(s2.records == 2 * s1.records && s2.kept == 2 * s1.kept && s1.kept == 3000)
        #expect(!piped.joined().contains("%40b.fr") && !piped.joined().contains("@b.fr"))  // redacted as by the plain reader
    }

    /// An error names the file's own line (not the block's), after every event before it.
    @Test func errorsKeepTheirFileLineAndComeAfterTheEventsBeforeThem() throws {
        let path = try file(count: 3000, bad: 2345)
        let reader = EventReader(pseudonymizer: TestSupport.key)
        var plain = 0, piped = 0
        let e1 = #expect(throws: InputError.self) { _ = try reader.forEachEvent(path: path) { _ in plain += 1 } }
        let e2 = #expect(throws: InputError.self) { _ = try pipelined(reader).forEachEvent(paths: [path]) { _, _ in piped += 1 } }
        #expect(e1?.line == 2345 && e2?.line == 2345)
        #expect(e1?.description == e2?.description)
        #expect(plain == 2344 && piped == 2344)
        // Skipping: the same counts.
        var options = EventReader.Options()
        options.skipInvalid = true
        let skipping = EventReader(options: options, pseudonymizer: TestSupport.key)
        let s1 = try skipping.forEachEvent(path: path) { _ in }
        let s2 = try pipelined(skipping).forEachEvent(paths: [path]) { _, _ in }
        #expect(s1.kept == 2999 && s2.kept == 2999 && s2.skipped.counts == s1.skipped.counts)
    }

    /// Tables built on the reading threads, each with its own pool, gathered
    /// row by row give the table read event by event: the same codes in every
    /// column (so the same sessions and features), the same strings.
    @Test func gatheredTablesEqualTheTableReadEventByEvent() throws {
        let (_, _, dir) = try TestSupport.generatedDataset(sessions: 400, seed: 12)
        let path = dir + "/events.jsonl"
        let reader = EventReader(pseudonymizer: TestSupport.key)
        var direct = EventTable()
        _ = try reader.forEachEvent(path: path) { direct.append($0, visitorPseudonym: $0.visitorId!) }
        var gathered = EventTable()
        var tables = 0
        let summary = try pipelined(reader).forEachTable(paths: [path]) { table, _ in
            tables += 1
            var remap = EventTable.remap(for: table)
            for r in 0..<table.count { gathered.append(row: r, of: table, remap: &remap) }
        }
        #expect(tables > 10, "the file must be cut into many tables")
        #expect(summary.kept == direct.count && gathered.count == direct.count)
        #expect(gathered.pool.strings == direct.pool.strings)
        #expect(gathered.visitor == direct.visitor && gathered.session == direct.session)
        #expect(gathered.time == direct.time && gathered.utcOffset == direct.utcOffset)
        #expect(gathered.kind == direct.kind && gathered.otherName == direct.otherName)
        #expect(gathered.path == direct.path && gathered.host == direct.host && gathered.referrerHost == direct.referrerHost)
        #expect(gathered.device == direct.device && gathered.source == direct.source && gathered.medium == direct.medium)
        #expect(gathered.campaign == direct.campaign && gathered.country == direct.country && gathered.region == direct.region)
        #expect(gathered.gender == direct.gender && gathered.ageBand == direct.ageBand && gathered.consent == direct.consent)
        #expect(gathered.engagementMs == direct.engagementMs && gathered.searched == direct.searched)
        #expect(zip(gathered.scrollPct, direct.scrollPct).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) })
    }

    /// Rows gathered a run at a time (`append(rows:of:remap:)`, as the
    /// streaming scorer splits each table into idle and active visitors) give
    /// exactly the tables gathered row by row: same pools, same codes.
    @Test func rowsGatheredInRunsEqualRowsGatheredOneByOne() throws {
        let (_, _, dir) = try TestSupport.generatedDataset(sessions: 300, seed: 14)
        var byRow = [EventTable(), EventTable()], byRun = [EventTable(), EventTable()]
        var rng = SeededGenerator(seed: 15)
        _ = try pipelined(EventReader(pseudonymizer: TestSupport.key)).forEachTable(paths: [dir + "/events.jsonl"]) { table, _ in
            // Each row goes to one of two tables, by its visitor (as idle or active), or at random.
            let random = rng.next() % 2 == 0
            let side = (0..<table.count).map { random ? Int(rng.next() % 2) : Int(table.visitor[$0]) % 2 }
            for k in 0..<2 {
                var remap = EventTable.remap(for: table)
                let rows = (0..<table.count).filter { side[$0] == k }
                for r in rows { byRow[k].append(row: r, of: table, remap: &remap) }
                var runRemap = EventTable.remap(for: table)
                rows.map(Int32.init).withUnsafeBufferPointer { byRun[k].append(rows: $0, of: table, remap: &runRemap) }
                #expect(remap == runRemap)
            }
        }
        for k in 0..<2 {
            let a = byRow[k], b = byRun[k]
            #expect(a.count > 200 && a.count == b.count, "\(a.count) rows")
            #expect(a.pool.strings == b.pool.strings)
            #expect(a.visitor == b.visitor && a.session == b.session && a.time == b.time && a.utcOffset == b.utcOffset)
            #expect(a.kind == b.kind && a.otherName == b.otherName && a.path == b.path && a.host == b.host)
            #expect(a.referrerHost == b.referrerHost && a.device == b.device && a.source == b.source && a.medium == b.medium)
            #expect(a.campaign == b.campaign && a.country == b.country && a.region == b.region && a.gender == b.gender)
            #expect(a.ageBand == b.ageBand && a.consent == b.consent && a.engagementMs == b.engagementMs && a.searched == b.searched)
            #expect(zip(a.scrollPct, b.scrollPct).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) })
        }
    }

    /// A line longer than a block (the read buffer grows) and a last line
    /// without a newline read as the plain reader reads them.
    @Test func linesLongerThanABlockAndAnUnterminatedLastLine() throws {
        var text = try String(contentsOfFile: try file(count: 200), encoding: .utf8)
        let long = String(repeating: "soins du visage ", count: 2_000)  // 32 kB, blocks are 4 kB
        text += "{\"visitor_id\":\"v1\",\"timestamp\":\"2026-11-30T11:00:00Z\",\"event\":\"page_view\",\"url\":\"https://www.clinique.fr/long\",\"title\":\"\(long)\"}\n"
        text += "{\"visitor_id\":\"v2\",\"timestamp\":\"2026-11-30T11:00:01Z\",\"event\":\"scroll\",\"scroll_pct\":100}"
        let path = TestSupport.temporaryDirectory("pipe") + "/long.jsonl"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let reader = EventReader(pseudonymizer: TestSupport.key)
        var plain: [String] = [], piped: [String] = []
        _ = try reader.forEachEvent(path: path) { plain.append($0.canonicalJSONLine) }
        _ = try pipelined(reader).forEachEvent(paths: [path]) { e, _ in piped.append(e.canonicalJSONLine) }
        #expect(plain.count == 202 && piped == plain)
        #expect(plain[200].contains(long))
        var rows = 0
        _ = try pipelined(reader).forEachTable(paths: [path]) { table, _ in rows += table.count }
        #expect(rows == 202)
    }

    /// A consumer's error stops reading and is the one rethrown (no hang).
    @Test func consumerErrorsStopTheReader() throws {
        struct Stop: Error {}
        let path = try file(count: 3000)
        var seen = 0
        #expect(throws: Stop.self) {
            _ = try pipelined(EventReader(pseudonymizer: TestSupport.key)).forEachEvent(paths: [path]) { _, _ in
                seen += 1
                if seen == 120 { throw Stop() }
            }
        }
        #expect(seen == 120)
    }
}
