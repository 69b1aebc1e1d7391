import Foundation
import LinearAlgebra
import Testing
import VisitIntent
import VisitIntentTestSupport

@Suite struct StreamingScorerTests {
    static func model(_ data: SessionDataset, _ labels: LabelSet) throws -> any Classifier {
        let job = TrainingJob(data: data, labels: labels, labelsPath: "labels", taxonomyYAML: ClinicTaxonomy.yaml, features: FeatureConfiguration(),
                              validation: .none, model: .logistic(LogisticRegressionConfiguration()), seed: 1, threads: 2)
        return try job.run().model
    }

    /// Streams `path` through a scorer and returns probabilities by session id, and the summary.
    static func stream(_ path: String, model: any Classifier, chunk: Int, sorted: Bool = false, tables: Bool = false) throws -> ([String: [Double]], StreamingScorer.Summary) {
        let out = TestSupport.temporaryDirectory() + "/scores.jsonl"
        var summary = StreamingScorer.Summary()
        let reader = EventReader(pseudonymizer: TestSupport.key)
        try AtomicFile.write(path: out) { w in
            var o = StreamingScorer.Options()
            o.chunkEvents = chunk
            let scorer = try StreamingScorer(model: model, writer: ScoreWriter(out: w, format: .jsonl, level: .session, classes: model.classes, details: false), options: o)
            if sorted {
                let spill = try DaySpill()
                _ = try reader.forEachEvent(path: path) { try spill.add($0) }
                try spill.forEachInOrder(reader: reader) { try scorer.add($0) }
            } else if tables {
                // Small blocks: many tables, and flushes that fall inside a table.
                var pipelined = PipelinedReader(reader: reader)
                pipelined.blockBytes = 16_384
                pipelined.threads = 2
                _ = try pipelined.forEachTable(paths: [path]) { table, file in try scorer.add(table, file: file) }
            } else {
                _ = try reader.forEachEvent(path: path) { try scorer.add($0) }
            }
            try scorer.finish()
            summary = scorer.summary
        }
        var scores: [String: [Double]] = [:]
        for line in try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n") {
            let o = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            let p = o["probabilities"] as! [String: Double]
            scores[o["session_id"] as! String] = model.classes.map { p[$0]! }
        }
        return (scores, summary)
    }

    @Test func streamingGivesExactlyTheInMemoryScores() throws {
        let (data, labels, dir) = try TestSupport.generatedDataset(sessions: 3000, seed: 8)
        let model = try Self.model(data, labels)
        let (memory, _) = try ScoreTable.score(model: model, data: data, threads: 2)
        let (streamed, summary) = try Self.stream(dir + "/events.jsonl", model: model, chunk: 1_000)
        #expect(summary.chunks > 5, "the test must cross many chunk boundaries")
        #expect(streamed.count == memory.sessionIDs.count)
        var differences = 0
        for (r, id) in memory.sessionIDs.enumerated() {
            let m = model.classes.indices.map { String(format: "%.6f", memory.probabilities[r, $0]) }
            let s = streamed[id].map { $0.map { String(format: "%.6f", $0) } }
            if s != m { differences += 1 }
        }
        #expect(differences == 0)
    }

    /// A session with no page view is left out, as in memory, and counted (the
    /// CLI notes it, as it does for in-memory reading).
    @Test func sessionsWithoutPageViewsAreCountedAsInMemory() throws {
        let (data, labels, dir) = try TestSupport.generatedDataset(sessions: 600, seed: 15)
        let model = try Self.model(data, labels)
        let path = dir + "/events.jsonl"
        let extra = ["2027-01-01T10:00:00Z", "2027-01-01T10:00:40Z"].map {
            "{\"visitor_id\":\"scroll-only\",\"session_id\":\"s-scroll\",\"timestamp\":\"\($0)\",\"event\":\"scroll\",\"url\":\"https://www.clinique-lumiere.fr/\",\"scroll_pct\":50}\n"
        }.joined()
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(extra.utf8))
        try handle.close()
        let memory = try SessionDataset.load(paths: [path], reader: EventReader(pseudonymizer: TestSupport.key), sessionizer: SessionizerConfiguration())
        let (_, summary) = try Self.stream(path, model: model, chunk: 1_000, tables: true)
        #expect(memory.sessions.sessionsWithoutPageView == 1)
        #expect(summary.sessionsWithoutPageView == 1 && summary.sessions == memory.sessions.count)
    }

    /// The batch path hands the scorer tables read in parallel: the same
    /// scores and counts as events added one by one, and as in memory.
    @Test func tablesFromThePipelinedReaderGiveTheEventByEventScores() throws {
        let (data, labels, dir) = try TestSupport.generatedDataset(sessions: 3000, seed: 14)
        let model = try Self.model(data, labels)
        let (byEvent, s1) = try Self.stream(dir + "/events.jsonl", model: model, chunk: 1_000)
        let (byTable, s2) = try Self.stream(dir + "/events.jsonl", model: model, chunk: 1_000, tables: true)
        #expect(s2.chunks > 5 && s2.events == s1.events && s2.sessions == s1.sessions && s2.sessions == data.sessions.count)
        #expect(byTable == byEvent)
        let (memory, _) = try ScoreTable.score(model: model, data: data, threads: 2)
        for (r, id) in memory.sessionIDs.enumerated().prefix(500) {
            #expect(byTable[id].map { $0.map { String(format: "%.6f", $0) } } == model.classes.indices.map { String(format: "%.6f", memory.probabilities[r, $0]) })
        }
    }

    @Test func memoryIsBoundedByActiveVisitorsAndUnorderedInputIsRefused() throws {
        let (data, labels, dir) = try TestSupport.generatedDataset(sessions: 4000, seed: 9)
        let model = try Self.model(data, labels)
        let chunk = 2_000
        let (_, summary) = try Self.stream(dir + "/events.jsonl", model: model, chunk: chunk)
        // The buffer never holds much more than a chunk: idle visitors leave it at every flush.
        #expect(summary.peakBufferedEvents <= chunk + 200)  // a chunk plus the events of visitors still active
        #expect(summary.events == data.readSummary.kept)
        // Reversed lines: the scorer stops with a clear error; DaySpill puts them in order again.
        let lines = try String(contentsOfFile: dir + "/events.jsonl", encoding: .utf8).split(separator: "\n")
        let reversed = TestSupport.write(lines.reversed().joined(separator: "\n") + "\n", name: "reversed.jsonl")
        #expect { _ = try Self.stream(reversed, model: model, chunk: chunk) } throws: { "\($0)".contains("not in time order") }
        let (a, _) = try Self.stream(dir + "/events.jsonl", model: model, chunk: chunk)
        let (b, _) = try Self.stream(reversed, model: model, chunk: chunk, sorted: true)
        #expect(a == b)
    }

    /// Many visitors active at once (more events open than a chunk): flushes
    /// find nobody idle, and waiting as many events as stayed keeps the
    /// copying of those events linear (a fixed chunk copied the whole buffer
    /// every chunk: quadratic). Every session is still scored.
    @Test func manyActiveVisitorsAreCarriedOverLinearly() throws {
        let (data, labels, _) = try TestSupport.generatedDataset(sessions: 800, seed: 16)
        let model = try Self.model(data, labels)
        let visitors = 3_000, perVisitor = 10
        var text = ""
        let start = Date(timeIntervalSince1970: 1_788_000_000)
        let stamp = ISO8601DateFormatter()
        stamp.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        for k in 0..<perVisitor {  // each visitor one event a minute, all interleaved: nobody idle until the end
            for v in 0..<visitors {
                let t = start.addingTimeInterval(Double(k * 60) + Double(v) * 0.01)
                text += "{\"visitor_id\":\"v\(v)\",\"timestamp\":\"\(stamp.string(from: t))\",\"event\":\"page_view\",\"url\":\"https://www.clinique.fr/p\(k)\"}\n"
            }
        }
        let path = TestSupport.write(text, name: "active.jsonl")
        let (scores, summary) = try Self.stream(path, model: model, chunk: 1_000)
        let events = visitors * perVisitor
        #expect(summary.events == events && scores.count == visitors)
        #expect(summary.carriedEvents > events / 2, "the test must carry events over: \(summary.carriedEvents)")
        #expect(summary.carriedEvents <= 2 * events, "carried \(summary.carriedEvents) for \(events) events")
    }

    @Test func reasonsPushThePredictedIntentAndFollowTheLinearModel() throws {
        let (data, labels, _) = try TestSupport.generatedDataset(sessions: 1500, seed: 10)
        let model = try Self.model(data, labels) as! LogisticRegressionModel
        let (_, matrix) = try ScoreTable.score(model: model, data: data, threads: 2)
        let row = Array(matrix.values.storage[0..<matrix.values.columns])
        let e = model.explain(row)
        // Contributions plus intercepts rebuild the logits: softmax of them is the model's probability.
        let logits = e.values.indices.map { k in e.values[k].reduce(0, +) + model.intercepts[k] }
        let exps = logits.map { exp($0 - logits.max()!) }
        let p = try model.predictProbabilities(Matrix(rows: 1, columns: row.count, storage: row), threads: 1)
        for c in 0..<exps.count { #expect(abs(exps[c] / exps.reduce(0, +) - p[0, c]) < 1e-5) }
        let predicted = Int(predictedClasses(p)[0])
        let reasons = ReasonCode.top(e, toward: predicted, classCount: model.classes.count, count: 3)
        #expect(!reasons.isEmpty && reasons.count <= 3)
        #expect(zip(reasons, reasons.dropFirst()).allSatisfy { $0.contribution >= $1.contribution })
        #expect(reasons.allSatisfy { $0.contribution > 0 && !$0.text.isEmpty })
    }

    /// `top` keeps a short list instead of sorting every column: it must pick
    /// what a full sort by (push descending, column ascending) picks, ties and
    /// non-positive pushes included.
    @Test func topReasonsMatchAFullSortWithTies() {
        var rng = SeededGenerator(seed: 4)
        let columns = (0..<40).map { FeatureColumn(name: "f\($0)", group: "g", label: "feature \($0)") }
        for trial in 0..<200 {
            // Few distinct values, so ties are common; some pushes are zero or negative.
            let values = (0..<40).map { _ in Double(Int(rng.next() % 7)) - 2 }
            let e = Explanation(columns: columns, inputs: [Float](repeating: 1, count: 40), values: [values])
            for count in [0, 1, 3, 5, 40] {
                let expected = values.indices.filter { values[$0] > 1e-9 }.sorted { (values[$0], $1) > (values[$1], $0) }.prefix(count).map { "f\($0)" }
                let got = ReasonCode.top(e, toward: 1, classCount: 2, count: count).map(\.feature)
                #expect(got == Array(expected), "trial \(trial), count \(count)")
            }
        }
    }

    @Test func playbookPicksTheFirstMatchingRule() throws {
        let book = try ContentPlaybook.load(path: TestSupport.repositoryRoot + "/datasets/clinic-playbook.yaml")
        #expect(book.content(intent: "research", topic: "hyaluronic-acid", stage: .before)?.url == "/faq/acide-hyaluronique")
        #expect(book.content(intent: "research", topic: "peeling", stage: .before)?.url == "/tarifs")
        #expect(book.content(intent: "booking", topic: "hyaluronic-acid", stage: .before)?.url == "/rendez-vous")
        #expect(book.content(intent: "booking", topic: "hyaluronic-acid", stage: .after)?.url == "/conseils/apres-acide-hyaluronique")
        #expect(book.content(intent: "anything", topic: nil, stage: .before)?.url == "/soins")
        #expect { _ = try ContentPlaybook.parse(yaml: "rules:\n  - intent: x\n", file: "p.yaml") } throws: { "\($0)" == "p.yaml: rule 1 needs 'content' (what to show)" }
        #expect { _ = try ContentPlaybook.parse(yaml: "rules:\n  - {content: a, stage: during}\n", file: "p.yaml") } throws: { "\($0)".contains("before or after") }
    }
}
