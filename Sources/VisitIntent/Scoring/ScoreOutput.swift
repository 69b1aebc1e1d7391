import LinearAlgebra

/// The chunk output of `intent score`: probabilities from the model, reasons
/// and content when asked, written by a `ScoreWriter`.
final class ScoreOutput: ChunkOutput {
    let model: any Classifier
    let writer: ScoreWriter
    let reasons: Int
    let playbook: ContentPlaybook?
    let threads: Int

    init(model: any Classifier, writer: ScoreWriter, options: StreamingScorer.Options) {
        self.model = model
        self.writer = writer
        self.reasons = options.reasons
        self.playbook = options.playbook
        self.threads = options.threads
    }

    func write(_ matrix: FeatureMatrix, after: [Bool]) throws {
        let p = try model.predictProbabilities(matrix.values, threads: threads)
        var scores = ScoreTable(classes: model.classes, sessionIDs: matrix.sessionIDs, visitorIDs: matrix.visitorIDs, sessionStart: matrix.sessionStart, probabilities: p)
        if reasons > 0 || playbook != nil {
            scores.details = SessionDetails.compute(model: model, x: matrix.values, probabilities: p, reasons: reasons, playbook: playbook,
                                                    after: after, threads: threads)
        }
        try writer.append(scores)
    }

    func finish() throws { try writer.finish() }
}
