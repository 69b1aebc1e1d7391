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
