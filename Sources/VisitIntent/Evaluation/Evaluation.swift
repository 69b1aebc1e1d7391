import Foundation
import LinearAlgebra

/// The result of evaluating a model on labelled sessions: overall figures and
/// the same per segment. Its JSON form is the versioned `evaluation.json`
/// schema (see `docs/evaluation-schema.md`).
public struct Evaluation: Codable, Sendable {
    public static let schemaVersion = 1

    public var schemaVersion: Int
    public var model: String
    public var modelKind: String
    public var classes: [String]
    public var prefix: String
    public var unmatchedLabels: Int
    public var unlabelledSessions: Int
    public var overall: ClassificationReport
    public var segments: [SegmentReport]

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version"
        case model
        case modelKind = "model_kind"
        case classes, prefix
        case unmatchedLabels = "unmatched_labels"
        case unlabelledSessions = "unlabelled_sessions"
        case overall, segments
    }

    /// Scores the labelled sessions of `data` and computes every figure.
    public static func run(model: any Classifier, modelName: String, data: SessionDataset, labels: LabelSet, labelsPath: String,
                           dimensions: [String], minimumSegmentSessions: Int, prefix: SessionPrefix = .all,
                           threads: Int = Parallel.defaultThreads) throws -> Evaluation {
        for d in dimensions where !SessionSegments.dimensions.contains(d) {
            throw EvaluationError.unknownDimension(d)
        }
        let known = labels.pseudonymized(data.pseudonymizer)
        let (scores, matrix) = try ScoreTable.score(model: model, data: data, prefix: prefix, eventLimits: known.eventLimits(for: data.sessions.id), threads: threads)
        let join = try LabelJoin(sessionIDs: scores.sessionIDs, labels: known, classes: model.classes, labelsPath: labelsPath)
        var p = Matrix<Double>(rows: join.rows.count, columns: model.classes.count)
        for (k, r) in join.rows.enumerated() { for c in 0..<model.classes.count { p[k, c] = scores.probabilities[r, c] } }
        let segments = matrix.segments.subset(join.rows)
        let overall = ClassificationReport(probabilities: p, labels: join.y, classes: model.classes)
        let perSegment = dimensions.map { d in
            SegmentReport(dimension: d, column: segments[d]!, probabilities: p, labels: join.y, classes: model.classes, minimumSessions: minimumSegmentSessions,
                          visitors: join.rows.map { matrix.visitorIDs[$0] })
        }
        return Evaluation(schemaVersion: schemaVersion, model: modelName, modelKind: model.kind, classes: model.classes, prefix: prefix.description,
                          unmatchedLabels: join.unmatchedLabels, unlabelledSessions: join.unlabelledSessions, overall: overall, segments: perSegment)
    }

    /// Evaluates on a table with a label column; `dimensions` name the table's
    /// categorical columns to break the figures down by.
    public static func run(model: any Classifier, modelName: String, table: FeatureTable, dimensions: [String], minimumSegmentSessions: Int,
                           threads: Int = Parallel.defaultThreads) throws -> Evaluation {
        guard let labels = table.labels else { throw EvaluationError.unknownDimension("(no label column)") }
        let index = Dictionary(uniqueKeysWithValues: model.classes.enumerated().map { ($1, Int32($0)) })
        let unknown = Set(labels).subtracting(model.classes).sorted()
        if !unknown.isEmpty { throw LabelJoinError.unknownClasses(unknown, model.classes) }
        let y = labels.map { index[$0]! }
        let p = try model.predictProbabilities(table.values, threads: threads)
        let perSegment = try dimensions.map { d -> SegmentReport in
            guard let j = table.columns.firstIndex(where: { $0.name == d }), let levels = table.columns[j].levels else {
                throw EvaluationError.unknownDimension(d)
            }
            let codes = (0..<table.values.rows).map { r -> UInt16 in
                let v = table.values[r, j]
                return v.isNaN ? UInt16(levels.count) : UInt16(v)
            }
            return SegmentReport(dimension: d, column: CategoricalColumn(levels: levels + ["(missing)"], codes: codes), probabilities: p, labels: y,
                                 classes: model.classes, minimumSessions: minimumSegmentSessions)
        }
        return Evaluation(schemaVersion: schemaVersion, model: modelName, modelKind: model.kind, classes: model.classes, prefix: "all columns",
                          unmatchedLabels: 0, unlabelledSessions: 0, overall: ClassificationReport(probabilities: p, labels: y, classes: model.classes),
                          segments: perSegment)
    }

    public func json() throws -> [UInt8] {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return Array(try e.encode(self)) + [0x0A]
    }

    public func markdown() -> String {
        func f(_ v: Double?, _ digits: Int = 3) -> String { v.map { String(format: "%.\(digits)f", $0) } ?? "n/a" }
        let o = overall
        var md = "# Evaluation of \(model)\n\n"
        md += "\(o.sessions) labelled sessions (\(prefix)); model kind `\(modelKind)`.\n"
        if unmatchedLabels > 0 { md += "\n\(unmatchedLabels) label(s) matched no session.\n" }
        md += "\n## Overall\n\n| metric | model | majority-class baseline |\n|---|---|---|\n"
        md += "| accuracy | \(f(o.accuracy)) | \(f(o.majorityAccuracy)) |\n"
        md += "| macro-F1 | \(f(o.macroF1)) | \(f(o.majorityMacroF1)) |\n"
        md += "| log loss | \(f(o.logLoss, 4)) | |\n"
        md += "| macro ROC AUC (one-vs-rest) | \(f(o.macroROCAUC)) | 0.500 |\n"
        md += "\n## Per class\n\n| class | support | precision | recall | F1 | ROC AUC |\n|---|---|---|---|---|---|\n"
        for c in o.perClass {
            md += "| \(c.name) | \(c.support) | \(f(c.precision)) | \(f(c.recall)) | \(f(c.f1)) | \(f(c.rocAUC)) |\n"
        }
        md += "\n## Confusion matrix\n\nRows: actual; columns: predicted.\n\n| actual \\ predicted | " + classes.joined(separator: " | ") + " |\n"
        md += "|---|" + classes.map { _ in "---" }.joined(separator: "|") + "|\n"
        for (i, row) in o.confusion.enumerated() { md += "| \(classes[i]) | " + row.map(String.init).joined(separator: " | ") + " |\n" }
        for s in segments {
            md += "\n## By \(s.dimension)\n\nSegments with fewer than \(s.minimumSessions) sessions or visitors are suppressed (with the next smallest, so none can be inferred from the total).\n\n| \(s.dimension) | sessions | accuracy | macro-F1 | log loss |\n|---|---|---|---|---|\n"
            for r in s.rows {
                if r.suppressed { md += "| \(r.segment) | < \(s.minimumSessions) | — | — | — |\n" } else {
                    md += "| \(r.segment) | \(r.sessions!) | \(f(r.accuracy)) | \(f(r.macroF1)) | \(f(r.logLoss, 4)) |\n"
                }
            }
        }
        return md
    }
}

public enum EvaluationError: Error, CustomStringConvertible, Equatable {
    case unknownDimension(String)
    public var description: String {
        switch self {
        case .unknownDimension(let d): "unknown segment dimension '\(d)' (for events: \(SessionSegments.dimensions.joined(separator: ", ")); for a table: its categorical columns)"
        }
    }
}
