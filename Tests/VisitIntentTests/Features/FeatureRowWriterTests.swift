import Foundation
import LinearAlgebra
import Testing
import VisitIntent
import VisitIntentTestSupport

/// `intent features --model` streams: its rows must be the in-memory
/// extraction's, whichever chunk each session closed in.
@Suite struct FeatureRowWriterTests {
    /// A generated data set, its fitted spec, and labels (pseudonymised) of which
    /// every third carries an outcome cut (features see its first two events only).
    static func setup() throws -> (SessionDataset, FeatureSpec, LabelSet, String) {
        let (data, labels, dir) = try TestSupport.generatedDataset(sessions: 1500, seed: 21)
        let spec = try FeatureSpec.fit(events: data.events, sessions: data.sessions, taxonomyYAML: ClinicTaxonomy.yaml)
        var cut = LabelSet()
        for (k, id) in labels.intentBySession.keys.sorted().enumerated() {
            cut.set(labels.intentBySession[id]!, for: id, eventsBefore: k % 3 == 0 ? 2 : nil)
        }
        return (data, spec, cut.pseudonymized(data.pseudonymizer), dir)
    }

    /// Streams the events through a `FeatureRowWriter` into `out`.
    static func stream(_ dir: String, spec: FeatureSpec, keyed: LabelSet, npy: Bool, out: String) throws -> FeatureRowWriter {
        var o = StreamingScorer.Options()
        o.chunkEvents = 1_000
        o.eventLimits = { keyed.eventLimits(for: $0) }
        let reader = EventReader(pseudonymizer: TestSupport.key)
        var made: FeatureRowWriter?
        func run(_ destination: FeatureRowWriter.Destination) throws {
            let rows = try FeatureRowWriter(destination, columns: spec.columns.map(\.name), label: { keyed.intentBySession[$0] })
            let scorer = try StreamingScorer(spec: spec, output: rows, options: o)
            _ = try reader.forEachEvent(path: dir + "/events.jsonl") { try scorer.add($0) }
            try scorer.finish()
            #expect(scorer.summary.chunks > 5, "the test must cross many chunk boundaries")
            made = rows
        }
        if npy {
            try AtomicFile.write(path: out) { m in try AtomicFile.write(path: out + ".rows.csv") { try run(.npy(m, rows: $0)) } }
        } else {
            try AtomicFile.write(path: out) { try run(.csv($0)) }
        }
        return try #require(made)
    }

    @Test func streamedRowsAreTheInMemoryRows() throws {
        let (data, spec, keyed, dir) = try Self.setup()
        let memory = try FeatureExtractor(spec: spec).extract(events: data.events, sessions: data.sessions,
                                                              eventLimits: keyed.eventLimits(for: data.sessions.id), threads: 2)
        let c = memory.values.columns
        var expected: [String: [Float]] = [:]
        for r in 0..<memory.rows { expected[memory.sessionIDs[r]] = Array(memory.values.storage[(r * c)..<((r + 1) * c)]) }

        // .npy: the header's row count is set at the end, the ids and intents beside.
        let npy = TestSupport.temporaryDirectory("rows") + "/x.npy"
        let written = try Self.stream(dir, spec: spec, keyed: keyed, npy: true, out: npy)
        let x = try NPYFile.read(path: npy)
        #expect(x.rows == memory.rows && written.rows == memory.rows && x.columns == c)
        let ids = try String(contentsOfFile: npy + ".rows.csv", encoding: .utf8).split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        #expect(ids.count == x.rows)
        var differing = 0, labelled = 0
        for (r, cells) in ids.enumerated() {
            let id = String(cells[0])
            if Array(x.storage[(r * c)..<((r + 1) * c)]).map(\.bitPattern) != expected[id]?.map(\.bitPattern) { differing += 1 }
            #expect((cells.count > 1 ? String(cells[1]) : "") == (keyed.intentBySession[id] ?? ""))
            if keyed.intentBySession[id] != nil { labelled += 1 }
        }
        #expect(differing == 0)
        #expect(labelled == written.labelled && labelled > 100)

        // CSV: the rows `FeatureMatrix.writeCSV` writes for the same sessions.
        let csv = TestSupport.temporaryDirectory("rows") + "/x.csv"
        _ = try Self.stream(dir, spec: spec, keyed: keyed, npy: false, out: csv)
        let reference = TestSupport.temporaryDirectory("rows") + "/memory.csv"
        try memory.writeCSV(path: reference, labels: memory.sessionIDs.map { keyed.intentBySession[$0] })
        func lines(_ path: String) throws -> [Substring] { try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n") }
        let (streamed, inMemory) = (try lines(csv), try lines(reference))
        #expect(streamed.first == inMemory.first)
        #expect(streamed.dropFirst().sorted() == inMemory.dropFirst().sorted())
    }
}
