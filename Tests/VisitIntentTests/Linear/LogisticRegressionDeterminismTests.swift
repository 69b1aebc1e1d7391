import Foundation
import Testing
import VisitIntent
import VisitIntentTestSupport

@Suite struct LogisticRegressionDeterminismTests {
    /// Trains from generated events, as `intent train` does.
    func train(threads: Int, seed: UInt64 = 1) throws -> [UInt8] {
        let dir = TestSupport.temporaryDirectory("det")
        var g = JourneyGenerator.Configuration()
        g.sessions = 3000
        g.seed = 4
        _ = try JourneyGenerator(configuration: g).write(to: dir)
        // A different pseudonym key per run: the model must not depend on it.
        let reader = EventReader(pseudonymizer: .ephemeral())
        let data = try SessionDataset.load(paths: [dir + "/events.jsonl"], reader: reader, sessionizer: SessionizerConfiguration())
        var skipped = SkipReport()
        let labels = try LabelSet.read(path: dir + "/labels.csv", skipped: &skipped)
        let job = TrainingJob(data: data, labels: labels, labelsPath: "labels", taxonomyYAML: ClinicTaxonomy.yaml, features: FeatureConfiguration(),
                              validation: .split(0.2), model: .logistic(LogisticRegressionConfiguration()), seed: seed, threads: threads)
        return try ModelFile.bytes(job.run().model)
    }

    @Test func sameInputsSameBytesWithOneOrTwoThreads() throws {
        let one = try train(threads: 1)
        let two = try train(threads: 2)
        #expect(one == two)
        #expect(try train(threads: 2, seed: 2) != two)  // the seed changes the validation split
    }
}
