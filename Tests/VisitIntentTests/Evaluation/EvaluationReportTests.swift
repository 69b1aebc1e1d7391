import Foundation
import Testing
import VisitIntent
import VisitIntentTestSupport

@Suite struct EvaluationReportTests {
    static func evaluate(minimumSegment: Int, threads: Int = 2) throws -> [Evaluation] {
        let (data, labels, _) = try TestSupport.generatedDataset(sessions: 400, seed: 21)
        var c = LogisticRegressionConfiguration()
        c.l2 = 0.01
        let job = TrainingJob(data: data, labels: labels, labelsPath: "labels", taxonomyYAML: ClinicTaxonomy.yaml, features: FeatureConfiguration(),
                              validation: .split(0.25), model: .logistic(c), seed: 1, threads: threads)
        let model = try job.run().model
        var o = Evaluation.Options()
        o.dimensions = ["device", "channel", "landing_kind"]
        o.minimumSegmentSessions = minimumSegment
        o.bootstrap = Bootstrap(replicates: 50, seed: 3)
        o.earlyPageViews = 3
        o.threads = threads
        return [try Evaluation.run(model: model, modelName: "m.json", data: data, labels: labels, labelsPath: "labels", options: o)]
    }

    @Test func sameDataAndSeedGiveTheSameBytesWithAnyThreadCount() throws {
        let a = try Self.evaluate(minimumSegment: 10, threads: 1), b = try Self.evaluate(minimumSegment: 10, threads: 2)
        #expect(try EvaluationReport(evaluations: a).json() == EvaluationReport(evaluations: b).json())
        #expect(EvaluationReportPage(evaluations: a).render() == EvaluationReportPage(evaluations: b).render())
        #expect(a[0].early.count == 3 && a[0].curves.count == a[0].classes.count)
    }

    @Test func smallSegmentsAreSuppressedInEveryFormat() throws {
        let k = 60
        let evaluations = try Self.evaluate(minimumSegment: k)
        let e = evaluations[0]
        let suppressed = e.segments.flatMap { s in s.rows.filter(\.suppressed).map { (s.dimension, $0.segment) } }
        #expect(!suppressed.isEmpty, "the test needs a segment below k")
        let json = String(decoding: try EvaluationReport(evaluations: evaluations).json(), as: UTF8.self)
        let markdown = e.markdown()
        let html = EvaluationReportPage(evaluations: evaluations).render()
        for (dimension, segment) in suppressed {
            // JSON: the row says suppressed and carries no figure.
            let row = try #require(e.segments.flatMap(\.rows).first { $0.segment == segment && $0.suppressed })
            #expect(row.sessions == nil && row.accuracy == nil && row.accuracyInterval == nil)
            #expect(json.contains("\"segment\" : \"\(segment)\""))
            // Markdown: "< k" and dashes only.
            #expect(markdown.contains("| \(segment) | < \(k) | — | — | — |"))
            // HTML: its table row holds "< k" and no number other than k.
            let table = try #require(html.components(separatedBy: "<table").first { $0.contains(">By \(dimension)<") })
            let cells = table.components(separatedBy: "<tr").map { $0.components(separatedBy: "</tr>")[0] }.filter { $0.contains(">\(segment)<") }
            #expect(!cells.isEmpty)
            for cell in cells {
                #expect(cell.contains("&lt; \(k)"))
                let digits = cell.replacingOccurrences(of: "\(k)", with: "").filter(\.isNumber)
                #expect(digits.isEmpty, "a suppressed row shows a number: \(cell)")
            }
        }
        // The report never shows a visitor pseudonym.
        #expect(!html.contains(TestSupport.key.pseudonym("v-1")))
    }

    @Test func flagsSegmentsWhoseIntervalIsBelowTheOverallAccuracy() throws {
        let e = try Self.evaluate(minimumSegment: 10)[0]
        for row in e.segments.flatMap(\.rows) where !row.suppressed {
            let i = try #require(row.accuracyInterval)
            #expect(row.belowOverall == (i.high < e.overall.accuracy))
            #expect(i.contains(row.accuracy!))
        }
    }
}
