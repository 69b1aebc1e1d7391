import Foundation
import LinearAlgebra

/// Scores of sessions: ids, class probabilities and predicted intent.
public struct ScoreTable: Sendable {
    public var classes: [String]
    public var sessionIDs: [String]
    public var visitorIDs: [String]
    public var sessionStart: [Int64]
    public var probabilities: Matrix<Double>
    /// Reasons, topic, stage and content per session, when asked for.
    public var details: [SessionDetails]?

    public var predicted: [Int32] { predictedClasses(probabilities) }

    public init(classes: [String], sessionIDs: [String], visitorIDs: [String], sessionStart: [Int64], probabilities: Matrix<Double>) {
        self.classes = classes
        self.sessionIDs = sessionIDs
        self.visitorIDs = visitorIDs
        self.sessionStart = sessionStart
        self.probabilities = probabilities
    }

    /// Scores every session of `data` with `model`, rebuilding features with the model's spec.
    public static func score(model: any Classifier, data: SessionDataset, prefix: SessionPrefix = .all, eventLimits: [Int]? = nil,
                             threads: Int = Parallel.defaultThreads) throws -> (ScoreTable, FeatureMatrix) {
        let matrix = try FeatureExtractor(spec: model.requireFeatureSpec()).extract(events: data.events, sessions: data.sessions, prefix: prefix,
                                                                                    eventLimits: eventLimits, threads: threads)
        let p = try model.predictProbabilities(matrix.values, threads: threads)
        return (ScoreTable(classes: model.classes, sessionIDs: matrix.sessionIDs, visitorIDs: matrix.visitorIDs, sessionStart: matrix.sessionStart, probabilities: p), matrix)
    }

    public enum Level: String, Sendable, CaseIterable { case session, visitor }
    public enum Format: String, Sendable { case csv, jsonl }

    /// Writes one row per session, or per visitor (latest session's scores,
    /// and the highest probability of each class over the visitor's sessions).
    public func write(path: String, format: Format, level: Level) throws {
        try AtomicFile.write(path: path) { try write(to: $0, format: format, level: level) }
    }

    public func write(to out: AtomicFile.Writer, format: Format, level: Level) throws {
        let writer = ScoreWriter(out: out, format: format, level: level, classes: classes, details: details != nil)
        try writer.append(self)
        try writer.finish()
    }
}
