import Foundation
import LinearAlgebra

/// The result of evaluating a model on labelled sessions: overall figures
/// with bootstrap intervals, curves, calibration, the same per segment, how
/// early in a visit the model can tell, and what it relies on. Its JSON form
/// is the versioned `metrics.json` schema (see `docs/evaluation-schema.md`).
public struct Evaluation: Codable, Sendable {
    public static let schemaVersion = 2

    /// What to compute beyond the point figures.
    public struct Options: Sendable {
        public var dimensions: [String] = []
        public var minimumSegmentSessions = 10
        public var prefix: SessionPrefix = .all
        /// nil: no intervals.
        public var bootstrap: Bootstrap? = Bootstrap()
        /// Early-prediction curve for k = 1…this many page views (events only; 0: none).
        public var earlyPageViews = 10
        public var threads = Parallel.defaultThreads
        public init() {}
    }

    /// Accuracy and macro-F1 knowing only the first `pageViews` page views.
    public struct EarlyPoint: Codable, Sendable, Equatable {
        public var pageViews: Int
        public var accuracy: Double
        public var macroF1: Double
        public var logLoss: Double
        enum CodingKeys: String, CodingKey { case pageViews = "page_views", accuracy; case macroF1 = "macro_f1"; case logLoss = "log_loss" }
    }

    /// One of the columns the model relies on most.
    public struct ImportantColumn: Codable, Sendable, Equatable {
        public var name: String
        public var label: String
        public var share: Double
    }

    public var schemaVersion: Int
    public var model: String
    public var modelKind: String
    public var classes: [String]
    public var prefix: String
    public var unmatchedLabels: Int
    public var unlabelledSessions: Int
    public var overall: ClassificationReport
    public var intervals: Bootstrap.Intervals?
    public var curves: [ClassCurves]
    public var reliability: Reliability
    public var segments: [SegmentReport]
    public var early: [EarlyPoint]
    public var importanceMeasure: String
    public var importance: [ImportantColumn]
    /// Set when the model carries a calibration: the same figures without it.
    public var uncalibrated: CalibrationEffect?

    /// Log loss and calibration error without the model's calibration.
    public struct CalibrationEffect: Codable, Sendable, Equatable {
        public var method: String
        public var logLoss: Double
        public var expectedCalibrationError: Double
        public var reliability: Reliability
        enum CodingKeys: String, CodingKey { case method; case logLoss = "log_loss"; case expectedCalibrationError = "expected_calibration_error"; case reliability }
    }

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version"
        case model
        case modelKind = "model_kind"
        case classes, prefix
        case unmatchedLabels = "unmatched_labels"
        case unlabelledSessions = "unlabelled_sessions"
        case overall, intervals, curves, reliability, segments, early
        case importanceMeasure = "importance_measure"
        case importance, uncalibrated
    }

    /// Every figure for probabilities `p` against `y`; `visitors` (one per row)
    /// groups rows for the bootstrap and for segment suppression.
    static func assemble(model: any Classifier, modelName: String, prefix: String, p: Matrix<Double>, y: [Int32], visitors: [String]?,
                         segments: [(String, CategoricalColumn)], options: Options, unmatched: Int, unlabelled: Int,
                         uncalibratedP: Matrix<Double>?) -> Evaluation {
        let overall = ClassificationReport(probabilities: p, labels: y, classes: model.classes)
        let intervals = options.bootstrap?.intervals(probabilities: p, labels: y, clusters: visitors)
        let perSegment = segments.map { d, column in
            SegmentReport(dimension: d, column: column, probabilities: p, labels: y, classes: model.classes, minimumSessions: options.minimumSegmentSessions,
                          visitors: visitors, bootstrap: options.bootstrap, overallAccuracy: overall.accuracy)
        }
        let importance = model.columnImportance()
        let top = importance.top(20).map { ImportantColumn(name: model.featureColumns[$0.0].name, label: model.featureColumns[$0.0].label, share: $0.1) }
        var uncalibrated: CalibrationEffect? = nil
        if let q = uncalibratedP, let method = model.calibration?.method.rawValue {
            let r = Reliability(probabilities: q, labels: y)
            uncalibrated = CalibrationEffect(method: method, logLoss: LogLoss().value(probabilities: q, labels: y) ?? 0,
                                             expectedCalibrationError: r.expectedCalibrationError, reliability: r)
        }
        return Evaluation(schemaVersion: schemaVersion, model: modelName, modelKind: model.kind, classes: model.classes, prefix: prefix,
                          unmatchedLabels: unmatched, unlabelledSessions: unlabelled, overall: overall, intervals: intervals,
                          curves: ClassCurves.all(probabilities: p, labels: y, classes: model.classes), reliability: Reliability(probabilities: p, labels: y),
                          segments: perSegment, early: [], importanceMeasure: importance.measure, importance: top, uncalibrated: uncalibrated)
    }

    /// Scores the labelled sessions of `data` and computes every figure.
    public static func run(model: any Classifier, modelName: String, data: SessionDataset, labels: LabelSet, labelsPath: String,
                           options: Options) throws -> Evaluation {
        for d in options.dimensions where !SessionSegments.dimensions.contains(d) {
            throw EvaluationError.unknownDimension(d)
        }
        let known = labels.pseudonymized(data.pseudonymizer)
        let limits = known.eventLimits(for: data.sessions.id)
        let (scores, matrix) = try ScoreTable.score(model: model, data: data, prefix: options.prefix, eventLimits: limits, threads: options.threads)
        let join = try LabelJoin(sessionIDs: scores.sessionIDs, labels: known, classes: model.classes, labelsPath: labelsPath)
        let p = rows(scores.probabilities, join.rows)
        let segments = matrix.segments.subset(join.rows)
        let visitors = join.rows.map { matrix.visitorIDs[$0] }
        var uncalibrated: Matrix<Double>? = nil
        if model.calibration != nil {
            uncalibrated = rows(try model.uncalibratedProbabilities(matrix.values, threads: options.threads), join.rows)
        }
        var e = assemble(model: model, modelName: modelName, prefix: options.prefix.description, p: p, y: join.y, visitors: visitors,
                         segments: options.dimensions.map { ($0, segments[$0]!) }, options: options,
                         unmatched: join.unmatchedLabels, unlabelled: join.unlabelledSessions, uncalibratedP: uncalibrated)
        if options.earlyPageViews > 0 {
            let extractor = try FeatureExtractor(spec: model.requireFeatureSpec())
            for k in 1...options.earlyPageViews {
                let m = extractor.extract(events: data.events, sessions: data.sessions, prefix: .pageViews(k), eventLimits: limits, threads: options.threads)
                let q = rows(try model.predictProbabilities(m.values, threads: options.threads), join.rows)
                e.early.append(EarlyPoint(pageViews: k, accuracy: Accuracy().value(probabilities: q, labels: join.y) ?? 0,
                                          macroF1: MacroF1().value(probabilities: q, labels: join.y) ?? 0,
                                          logLoss: LogLoss().value(probabilities: q, labels: join.y) ?? 0))
            }
        }
        return e
    }

    /// Evaluates on a table with a label column; `options.dimensions` name the
    /// table's categorical columns to break the figures down by.
    public static func run(model: any Classifier, modelName: String, table: FeatureTable, options: Options) throws -> Evaluation {
        guard let labels = table.labels else { throw EvaluationError.unknownDimension("(no label column)") }
        let index = Dictionary(uniqueKeysWithValues: model.classes.enumerated().map { ($1, Int32($0)) })
        let unknown = Set(labels).subtracting(model.classes).sorted()
        if !unknown.isEmpty { throw LabelJoinError.unknownClasses(unknown, model.classes) }
        let y = labels.map { index[$0]! }
        let p = try model.predictProbabilities(table.values, threads: options.threads)
        let segments = try options.dimensions.map { d -> (String, CategoricalColumn) in
            guard let j = table.columns.firstIndex(where: { $0.name == d }), let levels = table.columns[j].levels else {
                throw EvaluationError.unknownDimension(d)
            }
            let codes = (0..<table.values.rows).map { r -> UInt16 in
                let v = table.values[r, j]
                return v.isNaN ? UInt16(levels.count) : UInt16(v)
            }
            return (d, CategoricalColumn(levels: levels + ["(missing)"], codes: codes))
        }
        let uncalibrated = model.calibration != nil ? try model.uncalibratedProbabilities(table.values, threads: options.threads) : nil
        return assemble(model: model, modelName: modelName, prefix: "all columns", p: p, y: y, visitors: nil, segments: segments, options: options,
                        unmatched: 0, unlabelled: 0, uncalibratedP: uncalibrated)
    }

    private static func rows(_ m: Matrix<Double>, _ indices: [Int]) -> Matrix<Double> {
        var out = Matrix<Double>(rows: indices.count, columns: m.columns)
        for (k, r) in indices.enumerated() { for c in 0..<m.columns { out[k, c] = m[r, c] } }
        return out
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
