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

    /// Three workers on blocks of a few lines each (parts finish out of order,
    /// a block's last parts overlap the next block's first): still the file's order.
    @Test func threeWorkersOnTinyBlocksKeepTheFilesOrder() throws {
        let path = try file(count: 2000)
        let reader = EventReader(pseudonymizer: TestSupport.key)
        var plain: [String] = [], piped: [String] = []
        _ = try reader.forEachEvent(path: path) { plain.append($0.canonicalJSONLine) }
        var p = pipelined(reader)
        p.threads = 3
        p.blockBytes = 700
        _ = try p.forEachEvent(paths: [path]) { e, _ in piped.append(e.canonicalJSONLine) }
        #expect(piped == plain)
        var rows = 0
        _ = try p.forEachTable(paths: [path]) { table, _ in rows += table.count }
        #expect(rows == 2000)
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
        #expect(s1.kept == 2999 && s2.kept == 2999 && s2.skipped == s1.skipped)
    }

    /// Parts number their lines only when they are delivered: skip reports and
    /// errors still name the file's own lines, whatever the parts, for both the
    /// event and the table paths. The file has bad records of several kinds
    /// (two of one kind: the first is the example), blank lines, and a
    /// byte-order mark at line 1 (taken) and at line 777 (an error, as in the
    /// plain reader: blocks smaller than a line make it the first line of a part,
    /// which the worker must not take for the file's first line).
    @Test func skipExamplesAndErrorsNameTheFilesLines() throws {
        var lines: [String] = []
        for i in 1...3000 {
            var line = "{\"visitor_id\":\"v\(i % 37)\",\"timestamp\":\"2026-11-30T10:\(String(format: "%02d", (i / 60) % 60)):\(String(format: "%02d", i % 60))Z\",\"event\":\"page_view\",\"url\":\"https://www.clinique.fr/p\(i % 11)\"}"
            switch i {
            case 1, 777: line = "\u{FEFF}" + line
            case 1500, 1501: line = "  "
            case 2000, 2999: line = line.replacingOccurrences(of: "2026-11-30T", with: "yesterday ")
            case 2600: line = "{\"visitor_id\":"
            default: break
            }
            lines.append(line)
        }
        let path = TestSupport.temporaryDirectory("pipe-lines") + "/events.jsonl"
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        var options = EventReader.Options()
        options.skipInvalid = true
        let skipping = EventReader(options: options, pseudonymizer: TestSupport.key)
        let plain = try skipping.forEachEvent(path: path) { _ in }
        #expect(plain.skipped.total == 4 && plain.kept == 2994)
        #expect(plain.skipped.firstExample.values.contains { $0.contains("events.jsonl:777:") })
        let strict = EventReader(pseudonymizer: TestSupport.key)
        let firstError = #expect(throws: InputError.self) { _ = try strict.forEachEvent(path: path) { _ in } }
        #expect(firstError?.line == 777)
        for (threads, block) in [(2, 4096), (3, 700), (2, 100)] {
            var p = pipelined(skipping)
            p.threads = threads
            p.blockBytes = block
            let events = try p.forEachEvent(paths: [path]) { _, _ in }
            let tables = try p.forEachTable(paths: [path]) { _, _ in }
            #expect(events.skipped == plain.skipped && tables.skipped == plain.skipped, "\(threads) threads, \(block)-byte blocks")
            #expect(events.kept == plain.kept && tables.kept == plain.kept)
            var q = pipelined(strict)
            q.threads = threads
            q.blockBytes = block
            let e1 = #expect(throws: InputError.self) { _ = try q.forEachEvent(paths: [path]) { _, _ in } }
            let e2 = #expect(throws: InputError.self) { _ = try q.forEachTable(paths: [path]) { _, _ in } }
            #expect(e1 == firstError && e2 == firstError, "\(threads) threads, \(block)-byte blocks")
        }
    }

    /// Every column and the pool of `a` and `b` are the same.
    func expectSameTable(_ a: EventTable, _ b: EventTable, _ comment: Comment? = nil) {
        #expect(a.count == b.count, comment)
        #expect(a.pool.strings == b.pool.strings, comment)
        #expect(a.visitor == b.visitor && a.session == b.session && a.time == b.time && a.utcOffset == b.utcOffset, comment)
        #expect(a.kind == b.kind && a.otherName == b.otherName && a.path == b.path && a.host == b.host, comment)
        #expect(a.referrerHost == b.referrerHost && a.device == b.device && a.source == b.source && a.medium == b.medium, comment)
        #expect(a.campaign == b.campaign && a.country == b.country && a.region == b.region && a.gender == b.gender, comment)
        #expect(a.ageBand == b.ageBand && a.consent == b.consent && a.engagementMs == b.engagementMs && a.searched == b.searched, comment)
        #expect(zip(a.scrollPct, b.scrollPct).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }, comment)
    }

    /// `path` read event by event into one table, and read by `pipelined` into
    /// tables gathered row by row.
    func directAndGathered(_ path: String, _ pipelined: PipelinedReader) throws -> (direct: EventTable, gathered: EventTable, tables: Int) {
        var direct = EventTable()
        _ = try pipelined.reader.forEachEvent(path: path) { direct.append($0, visitorPseudonym: $0.visitorId!) }
        var gathered = EventTable()
        var tables = 0
        let summary = try pipelined.forEachTable(paths: [path]) { table, _ in
            tables += 1
            var remap = EventTable.remap(for: table)
            for r in 0..<table.count { gathered.append(row: r, of: table, remap: &remap) }
        }
        #expect(summary.kept == direct.count)
        return (direct, gathered, tables)
    }

    /// Tables built on the reading threads, each with its own pool, gathered
    /// row by row give the table read event by event: the same codes in every
    /// column (so the same sessions and features), the same strings.
    @Test func gatheredTablesEqualTheTableReadEventByEvent() throws {
        let (_, _, dir) = try TestSupport.generatedDataset(sessions: 400, seed: 12)
        let (direct, gathered, tables) = try directAndGathered(dir + "/events.jsonl", pipelined(EventReader(pseudonymizer: TestSupport.key)))
        #expect(tables > 10, "the file must be cut into many tables")
        expectSameTable(gathered, direct)
    }

    /// Parts of the default size hold thousands of lines: the decoder hands its
    /// rows over 1,024 at a time, and before each line it declines (here a
    /// nested custom field, which the full reader takes): the rows keep the
    /// file's order.
    @Test func largePartsWithDeclinedLinesKeepTheFilesOrder() throws {
        let (_, _, dir) = try TestSupport.generatedDataset(sessions: 2_000, seed: 13)
        var lines = try String(contentsOfFile: dir + "/events.jsonl", encoding: .utf8).split(separator: "\n").map(String.init)
        var declined = 0
        for k in stride(from: 333, to: lines.count, by: 777) {
            lines[k] = String(lines[k].dropLast()) + ",\"x_custom\":{\"a\":[1,2]}}"
            declined += 1
        }
        let path = TestSupport.write(lines.joined(separator: "\n") + "\n", name: "declined.jsonl")
        var p = PipelinedReader(reader: EventReader(pseudonymizer: TestSupport.key))
        p.threads = 2  // default block sizes: a first block of 1 MB and one more, four parts each (over a thousand lines in the second's)
        let (direct, gathered, tables) = try directAndGathered(path, p)
        #expect(lines.count > 8_000 && declined > 10 && tables <= 8, "\(lines.count) lines, \(tables) tables")
        expectSameTable(gathered, direct)
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
            #expect(byRow[k].count > 200, "\(byRow[k].count) rows")
            expectSameTable(byRun[k], byRow[k], "side \(k)")
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
