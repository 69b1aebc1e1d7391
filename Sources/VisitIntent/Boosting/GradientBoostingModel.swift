import Foundation
import LinearAlgebra

/// A fitted gradient-boosted tree ensemble: feature bins, starting scores and
/// `rounds × outputs` trees (tree `i` adds to raw-score column `i % outputs`).
/// Raw scores become probabilities through a sigmoid (two classes) or softmax.
public struct GradientBoostingModel: Classifier, Codable, Equatable {
    public var kind: String { "gbdt" }
    public let classes: [String]
    public let featureSpec: FeatureSpec?
    public let featureColumns: [FeatureColumn]
    public let bins: FeatureBins
    public let initialScores: [Double]
    public let trees: [RegressionTree]
    public let configuration: GradientBoostingConfiguration
    public var training: TrainingRecord?
    public var validation: ValidationSummary?
    public var calibration: Calibration?
    /// What TreeSHAP derives from the trees (expected values, cover shares,
    /// quadrature rules), built when a row is first explained. Not stored in the file.
    private let shapEnsemble = BuiltOnce<TreeSHAP.Ensemble>()
    /// The trees in one flat array for prediction, built when the model first predicts. Not stored in the file.
    private let flatEnsemble = BuiltOnce<FlatEnsemble>()

    init(classes: [String], featureSpec: FeatureSpec?, featureColumns: [FeatureColumn], bins: FeatureBins, initialScores: [Double],
         trees: [RegressionTree], configuration: GradientBoostingConfiguration) {
        self.classes = classes
        self.featureSpec = featureSpec
        self.featureColumns = featureColumns
        self.bins = bins
        self.initialScores = initialScores
        self.trees = trees
        self.configuration = configuration
    }

    enum CodingKeys: String, CodingKey {
        case kind, classes
        case featureSpec = "feature_spec"
        case featureColumns = "feature_columns"
        case bins
        case initialScores = "initial_scores"
        case trees, configuration, training, validation, calibration
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let kind = try c.decode(String.self, forKey: .kind)
        guard kind == "gbdt" else { throw ModelFileError.wrongKind(expected: "gbdt", found: kind) }
        classes = try c.decode([String].self, forKey: .classes)
        featureSpec = try c.decodeIfPresent(FeatureSpec.self, forKey: .featureSpec)?.validated()
        featureColumns = try c.decode([FeatureColumn].self, forKey: .featureColumns)
        bins = try c.decode(FeatureBins.self, forKey: .bins)
        initialScores = try c.decode([Double].self, forKey: .initialScores)
        trees = try c.decode([RegressionTree].self, forKey: .trees)
        configuration = try c.decode(GradientBoostingConfiguration.self, forKey: .configuration)
        training = try c.decodeIfPresent(TrainingRecord.self, forKey: .training)
        validation = try c.decodeIfPresent(ValidationSummary.self, forKey: .validation)
        calibration = try c.decodeIfPresent(Calibration.self, forKey: .calibration)
        try calibration?.validate(classCount: classes.count)
        if let spec = featureSpec, spec.columns != featureColumns { throw ModelFileError.invalid("the model's feature columns differ from its feature spec") }
        let d = featureColumns.count
        guard Set(classes).count == classes.count else { throw ModelFileError.invalid("the model lists a class twice") }
        guard initialScores.allSatisfy(\.isFinite), trees.allSatisfy({ $0.leafValue.allSatisfy(\.isFinite) }) else {
            throw ModelFileError.invalid("the gbdt model has non-finite values")
        }
        guard classes.count >= 2, initialScores.count == outputs, bins.featureCount == d, trees.count % outputs == 0 else {
            throw ModelFileError.invalid("the gbdt model's shapes do not match its \(classes.count) classes and \(d) features")
        }
        for t in trees {
            let inner = t.splitFeature.count
            guard t.leafValue.count == inner + 1, t.threshold.count == inner, t.left.count == inner, t.right.count == inner,
                  t.defaultLeft.count == inner, t.isCategorical.count == inner, t.leftCategories.count == inner, t.nodeCount.count == inner, t.gain.count == inner, t.leafCount.count == inner + 1,
                  t.splitFeature.allSatisfy({ $0 >= 0 && Int($0) < d }),
                  (t.left + t.right).allSatisfy({ $0 < Int32(inner) && $0 >= -Int32(inner + 1) }),
                  zip(t.isCategorical, t.leftCategories).allSatisfy({ !$0.0 || $0.1.count == 4 }) else {
                throw ModelFileError.invalid("a tree of the gbdt model is malformed")
            }
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind, forKey: .kind)
        try c.encode(classes, forKey: .classes)
        try c.encodeIfPresent(featureSpec, forKey: .featureSpec)
        try c.encode(featureColumns, forKey: .featureColumns)
        try c.encode(bins, forKey: .bins)
        try c.encode(initialScores, forKey: .initialScores)
        try c.encode(trees, forKey: .trees)
        try c.encode(configuration, forKey: .configuration)
        try c.encodeIfPresent(training, forKey: .training)
        try c.encodeIfPresent(validation, forKey: .validation)
        try c.encodeIfPresent(calibration, forKey: .calibration)
    }

    /// Raw-score columns: 1 for two classes, else one per class.
    public var outputs: Int { classes.count == 2 ? 1 : classes.count }
    public var rounds: Int { trees.count / outputs }

    var objective: any BoostingObjective { classes.count == 2 ? BinaryLogLoss() : SoftmaxObjective(classCount: classes.count) }

    static func addTree(_ tree: RegressionTree, x: Matrix<Float>, column: Int, outputs: Int, scores: inout [Double], threads: Int) {
        let n = x.rows, d = x.columns
        scores.withUnsafeMutableBufferPointer { sBuffer in
            x.storage.withUnsafeBufferPointer { xs in
                let s = sBuffer
                Parallel.forEach(blocks: (n + 4095) / 4096, threads: threads) { b in
                    for r in (b * 4096)..<min(n, (b + 1) * 4096) { s[r * outputs + column] += tree.predict(xs.baseAddress! + r * d) }
                }
            }
        }
    }

    static func probabilities(raw: [Double], rows: Int, objective: any BoostingObjective, classCount: Int) -> Matrix<Double> {
        var p = Matrix<Double>(rows: rows, columns: classCount)
        let T = objective.outputs
        raw.withUnsafeBufferPointer { rp in
            p.storage.withUnsafeMutableBufferPointer { pp in
                for r in 0..<rows { objective.probabilities(rp.baseAddress! + r * T, into: pp.baseAddress! + r * classCount) }
            }
        }
        return p
    }

    /// Raw scores (`rows × outputs`) using the first `rounds` rounds (all by default).
    public func rawScores(_ x: Matrix<Float>, rounds limit: Int? = nil, threads: Int) throws -> [Double] {
        try checkWidth(x)
        let n = x.rows, d = x.columns, T = outputs
        let count = min(trees.count, (limit ?? rounds) * T)
        var scores = [Double](repeating: 0, count: n * T)
        let flat = flatEnsemble.value { FlatEnsemble(trees) }
        scores.withUnsafeMutableBufferPointer { sBuffer in
            x.storage.withUnsafeBufferPointer { xs in
                let s = sBuffer
                Parallel.forEach(blocks: (n + 1023) / 1024, threads: threads) { b in
                    let end = min(n, (b + 1) * 1024)
                    for r in (b * 1024)..<end {
                        for t in 0..<T { s[r * T + t] = initialScores[t] }
                    }
                    // 64 rows walk each tree together (`FlatEnsemble.accumulate`): 1.1M events
                    // scored 6% faster; their features (a few hundred floats each) stay in cache.
                    for r in stride(from: b * 1024, to: end, by: 64) {
                        flat.accumulate(xs.baseAddress! + r * d, rows: min(64, end - r), stride: d, trees: count, outputs: T, into: s.baseAddress! + r * T)
                    }
                }
            }
        }
        return scores
    }

    public func uncalibratedProbabilities(_ x: Matrix<Float>, threads: Int) throws -> Matrix<Double> {
        Self.probabilities(raw: try rawScores(x, threads: threads), rows: x.rows, objective: objective, classCount: classes.count)
    }

    public func predictProbabilities(_ x: Matrix<Float>, rounds: Int, threads: Int) throws -> Matrix<Double> {
        Self.probabilities(raw: try rawScores(x, rounds: rounds, threads: threads), rows: x.rows, objective: objective, classCount: classes.count)
    }

    /// Total split gain and number of splits per feature.
    public func featureImportance() -> (gain: [Double], splits: [Int]) {
        var gain = [Double](repeating: 0, count: featureColumns.count)
        var splits = [Int](repeating: 0, count: featureColumns.count)
        for t in trees {
            for (i, f) in t.splitFeature.enumerated() { gain[Int(f)] += Double(t.gain[i]); splits[Int(f)] += 1 }
        }
        return (gain, splits)
    }

    /// Exact TreeSHAP contributions of one row (Lundberg et al. 2018):
    /// `outputs × (features + 1)`, the last entry of each row being the
    /// expected raw score; each row sums to the raw score.
    public func contributions(_ row: [Float]) -> [[Double]] {
        let d = featureColumns.count, T = outputs
        precondition(row.count == d, "a row of \(row.count) values for a model of \(d) features")
        let ensemble = shapEnsemble.value { TreeSHAP.Ensemble(trees) }
        let workspace = TreeSHAP.Workspace(features: d, largestTree: ensemble.largestTree)
        defer { workspace.deallocate() }
        var flat = [Double](repeating: 0, count: T * (d + 1))
        for t in 0..<T { flat[t * (d + 1) + d] = initialScores[t] }
        row.withUnsafeBufferPointer { x in
            flat.withUnsafeMutableBufferPointer { out in
                trees.withUnsafeBufferPointer { trees in
                    for i in trees.indices {
                        TreeSHAP.add(trees, i, of: ensemble, x: x.baseAddress!,
                                     into: out.baseAddress! + (i % T) * (d + 1), features: d, workspace: workspace)
                    }
                }
            }
        }
        return (0..<T).map { t in Array(flat[(t * (d + 1))..<((t + 1) * (d + 1))]) }
    }

    public func card() -> String {
        var md = "# Model card: gradient-boosted trees\n\n"
        md += "- **Kind:** `gbdt` (histogram gradient boosting, \(classes.count == 2 ? "binary log loss" : "softmax, one tree per class per round"))\n"
        md += "- **Classes:** \(classes.joined(separator: ", "))\n"
        md += "- **Trees:** \(trees.count) (\(rounds) rounds), up to \(configuration.numLeaves) leaves, learning rate \(configuration.learningRate), \(configuration.maxBin) bins\n"
        md += "- **Features:** \(featureColumns.count)\n"
        if let t = training {
            md += "\n## Training data\n\n"
            md += "- \(t.rows) labelled sessions: " + classes.map { "\($0) \(t.classCounts[$0] ?? 0)" }.joined(separator: ", ") + "\n"
            md += "- Fingerprint: `\(t.dataFingerprint)`\n"
            md += "- \(t.evaluations) rounds run, \(t.iterations) kept: \(t.stopReason); training log loss \(String(format: "%.4f", t.objective))\n"
        }
        if let calibration { md += calibration.cardLine }
        if let v = validation { md += v.markdown }
        let (gain, splits) = featureImportance()
        let total = max(gain.reduce(0, +), 1e-300)
        md += "\n## Most important features (by total split gain)\n\n| feature | meaning | gain share | splits |\n|---|---|---|---|\n"
        for j in gain.indices.sorted(by: { (gain[$0], $1) > (gain[$1], $0) }).prefix(15) where gain[j] > 0 {
            md += "| `\(featureColumns[j].name)` | \(featureColumns[j].label) | \(String(format: "%.1f%%", 100 * gain[j] / total)) | \(splits[j]) |\n"
        }
        return md
    }
}
