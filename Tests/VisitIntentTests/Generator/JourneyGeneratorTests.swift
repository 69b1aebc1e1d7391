import Foundation
import Testing
import VisitIntent
import VisitIntentTestSupport

@Suite struct JourneyGeneratorTests {
    func generate(sessions: Int, seed: UInt64, threads: Int = 2) throws -> (String, JourneyGenerator.Summary) {
        let dir = TestSupport.temporaryDirectory("gen")
        var c = JourneyGenerator.Configuration()
        c.sessions = sessions
        c.seed = seed
        c.threads = threads
        return (dir, try JourneyGenerator(configuration: c).write(to: dir))
    }

    @Test func sameSeedSameBytesWhateverTheThreads() throws {
        let (a, _) = try generate(sessions: 3000, seed: 9, threads: 1)
        let (b, _) = try generate(sessions: 3000, seed: 9, threads: 2)
        let (c, _) = try generate(sessions: 3000, seed: 10)
        for f in ["events.jsonl", "labels.csv"] {
            #expect(FileManager.default.contents(atPath: a + "/" + f) == FileManager.default.contents(atPath: b + "/" + f))
            #expect(FileManager.default.contents(atPath: a + "/" + f) != FileManager.default.contents(atPath: c + "/" + f))
        }
    }

    @Test func exactSessionCountAndIntentMix() throws {
        let (dir, summary) = try generate(sessions: 20_000, seed: 5)
        #expect(summary.sessions == 20_000)
        let share = { (name: String) in Double(summary.intentCounts[name] ?? 0) / 20_000 }
        #expect((0.55...0.67).contains(share("curiosity")))
        #expect((0.25...0.35).contains(share("research")))
        #expect((0.07...0.13).contains(share("booking")))
        // Every labelled session exists in the events and the taxonomy covers every page.
        var table = EventTable()
        _ = try EventReader(pseudonymizer: TestSupport.key).read(path: dir + "/events.jsonl", into: &table)
        let sessions = Sessionizer().sessions(of: table)
        #expect(sessions.count == 20_000)
        let taxonomy = try SiteTaxonomy.load(path: dir + "/taxonomy.yaml")
        for page in ClinicSite().pages {
            let (topic, kind) = taxonomy.classify(PageURL(page.path).path)
            #expect(kind == page.kind, "\(page.path)")
            #expect(topic == page.topic, "\(page.path)")
        }
    }

    @Test func noSingleFeatureGivesTheIntentAway() throws {
        // For every feature and threshold, predicting "booking" above it must not
        // recover most booking sessions precisely; likewise for research.
        let (dir, _) = try generate(sessions: 6000, seed: 12)
        var table = EventTable()
        _ = try EventReader(pseudonymizer: TestSupport.key).read(path: dir + "/events.jsonl", into: &table)
        let sessions = Sessionizer().sessions(of: table)
        let spec = try FeatureSpec.fit(events: table, sessions: sessions, taxonomyYAML: ClinicTaxonomy.yaml)
        let m = try FeatureExtractor(spec: spec).extract(events: table, sessions: sessions)
        var skipped = SkipReport()
        let labels = try LabelSet.read(path: dir + "/labels.csv", skipped: &skipped).pseudonymized(TestSupport.key)
        let y = m.sessionIDs.map { labels.intentBySession[$0]! }
        for target in ["booking", "research"] {
            let positives = y.filter { $0 == target }.count
            var bestF1 = 0.0
            for j in 0..<m.columns.count {
                let values = Set((0..<m.rows).map { m.values[$0, j] })
                for threshold in values.sorted().prefix(40) {
                    var tp = 0, fp = 0
                    for r in 0..<m.rows where m.values[r, j] > threshold { if y[r] == target { tp += 1 } else { fp += 1 } }
                    let precision = tp + fp == 0 ? 0 : Double(tp) / Double(tp + fp)
                    let recall = Double(tp) / Double(positives)
                    if precision + recall > 0 { bestF1 = max(bestF1, 2 * precision * recall / (precision + recall)) }
                }
            }
            #expect(bestF1 < 0.7, "one feature separates \(target) with F1 \(bestF1)")
            #expect(bestF1 > 0.2, "intent \(target) should still be learnable")
        }
    }

}
