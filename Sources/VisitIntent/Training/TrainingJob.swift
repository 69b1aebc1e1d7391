import Foundation
import LinearAlgebra

/// Everything `intent train` does, as a library call: features from events,
/// a visitor-grouped validation split, fitting, validation metrics, and a
/// model ready to write.
public struct TrainingJob {
    public enum Validation {
        case none
        /// Hold out this fraction of *visitors* (all their sessions), so no
        /// visitor is on both sides.
        case split(Double)
        case data(SessionDataset, LabelSet)
    }

    public enum ModelChoice {
        case logistic(LogisticRegressionConfiguration)
        case gbdt(GradientBoostingConfiguration)
    }

    public var data: SessionDataset
    public var labels: LabelSet
    public var labelsPath: String
    public var taxonomyYAML: String
    public var features: FeatureConfiguration
    public var validation: Validation
    public var model: ModelChoice
    public var seed: UInt64
    public var threads: Int
    /// Calibration fitted on the validation sessions after training.
    public var calibrate: Calibration.Method? = nil

    public init(data: SessionDataset, labels: LabelSet, labelsPath: String, taxonomyYAML: String, features: FeatureConfiguration,
                validation: Validation, model: ModelChoice, seed: UInt64, threads: Int = Parallel.defaultThreads) {
        self.data = data
        self.labels = labels
        self.labelsPath = labelsPath
        self.taxonomyYAML = taxonomyYAML
        self.features = features
        self.validation = validation
        self.model = model
        self.seed = seed
        self.threads = threads
    }

    public struct Outcome {
        public var model: any Classifier
        public var record: TrainingRecord
        public var validation: ClassificationReport?
        public var trainingSessions: Int
        public var featureCount: Int
        public var fitSeconds: Double
        /// Of `fitSeconds`, the time spent binning features (trees only).
        public var binningSeconds: Double = 0
        public var unmatchedLabels: Int
        public var unlabelledSessions: Int
        public var classes: [String]
        public var classCounts: [Int]
    }

    public func run(progress: Progress? = nil) throws -> Outcome {
        let spec = try FeatureSpec.fit(events: data.events, sessions: data.sessions, taxonomyYAML: taxonomyYAML, configuration: features)
        let extractor = try FeatureExtractor(spec: spec)
        let known = labels.pseudonymized(data.pseudonymizer)
        let matrix = extractor.extract(events: data.events, sessions: data.sessions, eventLimits: known.eventLimits(for: data.sessions.id), threads: threads)
        let join = try LabelJoin(sessionIDs: matrix.sessionIDs, labels: known, labelsPath: labelsPath)
        var trainRows = join.rows, trainY = join.y, trainWeights = join.weights
        var validationMatrix: Matrix<Float>? = nil
        var validationY: [Int32] = []
        let classes = join.classes
        switch validation {
        case .none: break
        case .split(let fraction):
            let held = TrainingJob.heldOutVisitors(matrix: matrix, rows: join.rows, fraction: fraction, seed: seed)
            if held.isEmpty { throw TrainingError.invalid("the validation split holds out no visitor (too few visitors for --validation-split \(fraction)); use --validation-split 0 or more data") }
            var tr: [Int] = [], ty: [Int32] = [], vr: [Int] = [], tw: [Double] = []
            for (k, r) in join.rows.enumerated() {
                if held.contains(matrix.visitorIDs[r]) { vr.append(r); validationY.append(join.y[k]) } else {
                    tr.append(r); ty.append(join.y[k]); tw.append(join.weights?[k] ?? 1)
                }
            }
            trainRows = tr; trainY = ty
            if join.weights != nil { trainWeights = tw }
            if !vr.isEmpty { validationMatrix = matrix.subset(vr).values }
        case .data(let vData, let vLabels):
            let vKnown = vLabels.pseudonymized(vData.pseudonymizer)
            let vMatrix = extractor.extract(events: vData.events, sessions: vData.sessions, eventLimits: vKnown.eventLimits(for: vData.sessions.id), threads: threads)
            let vJoin = try LabelJoin(sessionIDs: vMatrix.sessionIDs, labels: vKnown, labelsPath: "validation labels")
            let unseen = Set(vJoin.classes).subtracting(classes).sorted()
            if !unseen.isEmpty { throw TrainingError.classOnlyInValidation(unseen) }
            let index = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, Int32($0)) })
            validationY = vJoin.y.map { index[vJoin.classes[Int($0)]]! }
            validationMatrix = vMatrix.subset(vJoin.rows).values
        }
        // Classes must all be present in training.
        var counts = [Int](repeating: 0, count: classes.count)
        for y in trainY { counts[Int(y)] += 1 }
        let missing = zip(classes, counts).filter { $0.1 == 0 }.map(\.0)
        if !missing.isEmpty {
            if case .split(let f) = validation {
                throw TrainingError.invalid("class(es) \(missing.joined(separator: ", ")) fall only in the held-out visitors of the validation split: use a smaller --validation-split, another --seed, or more labelled sessions of that class (asked fraction \(f))")
            }
            throw TrainingError.classOnlyInValidation(missing)
        }
        let train = TrainingData(x: matrix.subset(trainRows).values, y: trainY, classes: classes, sampleWeights: trainWeights, columns: spec.columns)
        var outcome = try TrainingJob.fit(train, validation: validationMatrix.map { ($0, validationY) }, featureSpec: spec, model: model,
                                          seed: seed, threads: threads, calibrate: calibrate, progress: progress)
        outcome.unmatchedLabels = join.unmatchedLabels
        outcome.unlabelledSessions = join.unlabelledSessions
        return outcome
    }

    /// Fits `model` on `train`, early-stops and measures on `validation`: the part
    /// of training that does not care where the rows came from (events or a table).
    public static func fit(_ train: TrainingData, validation: (Matrix<Float>, [Int32])?, featureSpec spec: FeatureSpec?, model: ModelChoice,
                           seed: UInt64, threads: Int, calibrate: Calibration.Method? = nil, progress: Progress? = nil) throws -> Outcome {
        let classes = train.classes
        let validationMatrix = validation?.0
        let validationY = validation?.1 ?? []
        let started = DispatchTime.now()
        var fitted: any Classifier
        var record: TrainingRecord
        var binning = 0.0
        switch model {
        case .logistic(var configuration):
            configuration.threads = threads
            var (m, r) = try LogisticRegressionTrainer(configuration: configuration).fit(train, featureSpec: spec, seed: seed, progress: progress)
            m.training = r
            fitted = m
            record = r
        case .gbdt(var configuration):
            configuration.threads = threads
            configuration.categoricalFeatures = train.columns.indices.filter { train.columns[$0].isCategorical }
            let early = validationMatrix.map { (x: $0, y: validationY) }
            let clock = FitClock()
            var (m, r) = try GradientBoostingTrainer(configuration: configuration).fit(train, validation: early, featureSpec: spec, seed: seed, progress: progress, clock: clock)
            binning = clock.binningSeconds
            m.training = r
            fitted = m
            record = r
        }
        let fitSeconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        var report: ClassificationReport? = nil
        if calibrate != nil && validationMatrix == nil {
            throw TrainingError.invalid("--calibrate needs held-out sessions to fit on: give --validation-split or --validation-events")
        }
        if let vx = validationMatrix {
            if let method = calibrate {
                // Fitted on the held-out sessions; the validation figures below are then optimistic for calibration.
                let calibration = Calibration.fit(method, probabilities: try fitted.uncalibratedProbabilities(vx, threads: threads), labels: validationY)
                if var m = fitted as? LogisticRegressionModel { m.calibration = calibration; fitted = m }
                if var m = fitted as? GradientBoostingModel { m.calibration = calibration; fitted = m }
            }
            let p = try fitted.predictProbabilities(vx, threads: threads)
            let r = ClassificationReport(probabilities: p, labels: validationY, classes: classes)
            report = r
            if var m = fitted as? LogisticRegressionModel { m.validation = r.validationSummary; fitted = m }
            if var m = fitted as? GradientBoostingModel { m.validation = r.validationSummary; fitted = m }
        }
        return Outcome(model: fitted, record: record, validation: report, trainingSessions: train.rows, featureCount: train.columns.count,
                       fitSeconds: fitSeconds, binningSeconds: binning, unmatchedLabels: 0, unlabelledSessions: 0,
                       classes: classes, classCounts: train.classCounts)
    }

    /// Visitors held out for validation: visitors in order of first labelled
    /// session, shuffled by `seed`, the first `fraction` of them. Depends on
    /// input order only, not on the pseudonym key.
    static func heldOutVisitors(matrix: FeatureMatrix, rows: [Int], fraction: Double, seed: UInt64) -> Set<String> {
        var seen = Set<String>()
        var visitors: [String] = []
        for r in rows where seen.insert(matrix.visitorIDs[r]).inserted { visitors.append(matrix.visitorIDs[r]) }
        var rng = SeededGenerator(seed: seed)
        for i in stride(from: visitors.count - 1, to: 0, by: -1) {
            let j = Int(rng.next() % UInt64(i + 1))
            visitors.swapAt(i, j)
        }
        let count = Int((Double(visitors.count) * fraction).rounded())
        return Set(visitors.prefix(count))
    }
}
