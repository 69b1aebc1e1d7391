import Foundation
import LinearAlgebra

/// A fitted multinomial logistic regression: standardisation, one weight
/// vector and intercept per logit column, and what it was trained on.
///
/// `p = softmax(x̂W + b)` with `x̂` the standardised features (for two
/// classes, `p₁ = σ(x̂w + b)`). Immutable; prediction folds the
/// standardisation into the weights (`FoldedLogits`).
public struct LogisticRegressionModel: Classifier, Codable, Equatable {
    public var kind: String { "logistic" }
    public let classes: [String]
    public let featureSpec: FeatureSpec?
    public let featureColumns: [FeatureColumn]
    /// Indicator columns for a table's categorical columns; nil when all are numeric.
    public let oneHot: OneHotEncoder?
    public let standardizer: Standardizer
    /// `weights[k][j]`: logit column `k`, standardised feature `j` (after one-hot expansion).
    public let weights: [[Double]]
    public let intercepts: [Double]
    public let configuration: LogisticRegressionConfiguration
    public let solverUsed: LogisticRegressionConfiguration.Solver
    public var training: TrainingRecord?
    public var validation: ValidationSummary?
    public var calibration: Calibration?
    /// The weights with the standardisation folded in, built once: the service
    /// predicts one session at a time, and folding per call was 1.7% of its CPU.
    let folded: FoldedLogits

    init(classes: [String], featureSpec: FeatureSpec?, featureColumns: [FeatureColumn], oneHot: OneHotEncoder? = nil, standardizer: Standardizer,
         weights: [[Double]], intercepts: [Double], configuration: LogisticRegressionConfiguration, solverUsed: LogisticRegressionConfiguration.Solver) {
        self.classes = classes
        self.featureSpec = featureSpec
        self.featureColumns = featureColumns
        self.oneHot = oneHot
        self.standardizer = standardizer
        self.weights = weights
        self.intercepts = intercepts
        self.configuration = configuration
        self.solverUsed = solverUsed
        self.folded = FoldedLogits(weights: weights, intercepts: intercepts, standardizer: standardizer)
    }

    enum CodingKeys: String, CodingKey {
        case kind, classes
        case featureSpec = "feature_spec"
        case featureColumns = "feature_columns"
        case oneHot = "one_hot"
        case standardizer = "standardization"
        case weights, intercepts, configuration
        case solverUsed = "solver_used"
        case training, validation, calibration
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let kind = try c.decode(String.self, forKey: .kind)
        guard kind == "logistic" else { throw ModelFileError.wrongKind(expected: "logistic", found: kind) }
        classes = try c.decode([String].self, forKey: .classes)
        featureSpec = try c.decodeIfPresent(FeatureSpec.self, forKey: .featureSpec)?.validated()
        featureColumns = try c.decode([FeatureColumn].self, forKey: .featureColumns)
        if let spec = featureSpec, spec.columns != featureColumns {
            throw ModelFileError.invalid("the model's feature columns differ from its feature spec")
        }
        oneHot = try c.decodeIfPresent(OneHotEncoder.self, forKey: .oneHot)
        if let oneHot, oneHot.inputColumns != featureColumns {
            throw ModelFileError.invalid("the model's one-hot encoder does not match its feature columns")
        }
        standardizer = try c.decode(Standardizer.self, forKey: .standardizer)
        weights = try c.decode([[Double]].self, forKey: .weights)
        intercepts = try c.decode([Double].self, forKey: .intercepts)
        configuration = try c.decode(LogisticRegressionConfiguration.self, forKey: .configuration)
        solverUsed = try c.decode(LogisticRegressionConfiguration.Solver.self, forKey: .solverUsed)
        training = try c.decodeIfPresent(TrainingRecord.self, forKey: .training)
        validation = try c.decodeIfPresent(ValidationSummary.self, forKey: .validation)
        calibration = try c.decodeIfPresent(Calibration.self, forKey: .calibration)
        try calibration?.validate(classCount: classes.count)
        let d = oneHot?.outputColumns.count ?? featureColumns.count
        let m = classes.count == 2 ? 1 : classes.count
        guard classes.count >= 2, weights.count == m, weights.allSatisfy({ $0.count == d }), intercepts.count == m,
              standardizer.means.count == d, standardizer.scales.count == d, standardizer.transforms.count == d else {
            throw ModelFileError.invalid("the logistic model's parameter shapes do not match its \(classes.count) classes and \(d) features")
        }
        guard Set(classes).count == classes.count else { throw ModelFileError.invalid("the model lists a class twice") }
        guard weights.allSatisfy({ $0.allSatisfy(\.isFinite) }), intercepts.allSatisfy(\.isFinite), standardizer.means.allSatisfy(\.isFinite),
              standardizer.scales.allSatisfy({ $0.isFinite && $0 > 0 }) else {
            throw ModelFileError.invalid("the logistic model has non-finite parameters or a zero scale")
        }
        folded = FoldedLogits(weights: weights, intercepts: intercepts, standardizer: standardizer)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind, forKey: .kind)
        try c.encode(classes, forKey: .classes)
        try c.encodeIfPresent(featureSpec, forKey: .featureSpec)
        try c.encode(featureColumns, forKey: .featureColumns)
        try c.encodeIfPresent(oneHot, forKey: .oneHot)
        try c.encode(standardizer, forKey: .standardizer)
        try c.encode(weights, forKey: .weights)
        try c.encode(intercepts, forKey: .intercepts)
        try c.encode(configuration, forKey: .configuration)
        try c.encode(solverUsed, forKey: .solverUsed)
        try c.encodeIfPresent(training, forKey: .training)
        try c.encodeIfPresent(validation, forKey: .validation)
        try c.encodeIfPresent(calibration, forKey: .calibration)
    }

    /// The columns the coefficients belong to (one per level of a categorical column).
    public var coefficientColumns: [FeatureColumn] { oneHot?.outputColumns ?? featureColumns }

    public func uncalibratedProbabilities(_ input: Matrix<Float>, threads: Int) throws -> Matrix<Double> {
        try checkWidth(input)
        let x = oneHot?.expand(input) ?? input
        let n = x.rows, m = weights.count, k = classes.count
        // Each row's logits are computed on their own, in a fixed order, so a session's
        // score never depends on which other sessions share its batch (streaming equals
        // in-memory scoring).
        let logits = folded
        var out = Matrix<Double>(rows: n, columns: k)
        let block = 4096
        let blocks = (n + block - 1) / block
        x.storage.withUnsafeBufferPointer { xs in
            out.storage.withUnsafeMutableBufferPointer { outBuffer in
                let probabilities = outBuffer
                Parallel.forEach(blocks: blocks, threads: threads) { blk in
                    let r0 = blk * block, r1 = min(n, r0 + block), rows = r1 - r0
                    var z = [Double](repeating: 0, count: rows * m)
                    z.withUnsafeMutableBufferPointer { logits.apply(xs, rows: r0..<r1, into: $0.baseAddress!) }
                    for i in 0..<rows {
                        let o = (r0 + i) * k
                        if m == 1 {
                            let p = 1 / (1 + exp(-z[i]))
                            probabilities[o] = 1 - p
                            probabilities[o + 1] = p
                        } else {
                            var maxZ = -Double.infinity
                            for c in 0..<m { maxZ = max(maxZ, z[i * m + c]) }
                            var sum = 0.0
                            for c in 0..<m { let e = exp(z[i * m + c] - maxZ); probabilities[o + c] = e; sum += e }
                            for c in 0..<m { probabilities[o + c] /= sum }
                        }
                    }
                }
            }
        }
        return out
    }

    /// Contribution of each feature to each logit for one row: standardised
    /// value × coefficient (the linear model's exact additive explanation).
    public func contributions(_ input: [Float]) -> [[Double]] {
        let row = oneHot.map { $0.expand(Matrix(rows: 1, columns: input.count, storage: input)).storage } ?? input
        var standardized = [Float](repeating: 0, count: row.count)
        row.withUnsafeBufferPointer { r in
            standardized.withUnsafeMutableBufferPointer { s in standardizer.apply(r, rows: 0..<1, columns: row.count, into: s.baseAddress!) }
        }
        return weights.map { w in zip(w, standardized).map { $0 * Double($1) } }
    }

    public func card() -> String {
        var md = "# Model card: multinomial logistic regression\n\n"
        md += "- **Kind:** `logistic` (softmax over \(classes.count) classes\(classes.count == 2 ? ", one logit" : "")), solver \(solverUsed.rawValue)\n"
        md += "- **Classes:** \(classes.joined(separator: ", "))\n"
        md += "- **Features:** \(featureColumns.count)"
        if let spec = featureSpec, let layout = try? FeatureLayout(spec: spec) { md += " (taxonomy topics: \(layout.taxonomy.topics.joined(separator: ", ")))" }
        md += "\n"
        md += "- **Penalty:** L2 λ = \(configuration.l2)" + (configuration.l1 > 0 ? ", L1 α = \(configuration.l1)" : "") + "\n"
        switch configuration.classWeight {
        case .none: break
        case .balanced: md += "- **Class weights:** balanced\n"
        case .explicit(let m): md += "- **Class weights:** " + m.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ") + "\n"
        }
        if let t = training {
            md += "\n## Training data\n\n"
            md += "- \(t.rows) labelled sessions: " + classes.map { "\($0) \(t.classCounts[$0] ?? 0)" }.joined(separator: ", ") + "\n"
            md += "- Fingerprint: `\(t.dataFingerprint)`\n"
            md += "- Optimisation: \(t.iterations) iterations, \(t.evaluations) evaluations, stopped because \(t.stopReason); final objective \(String(format: "%.6f", t.objective))\n"
        }
        if let calibration { md += calibration.cardLine }
        if let v = validation { md += v.markdown }
        md += "\n## What pushes each class\n\nCoefficients on standardised features: the change in the class's logit for one standard deviation more of the feature.\n"
        let columns = coefficientColumns
        for (k, w) in weights.enumerated() {
            let name = classes.count == 2 ? "\(classes[1]) (vs \(classes[0]))" : classes[k]
            let ranked = w.enumerated().sorted { (abs($0.element), $1.offset) > (abs($1.element), $0.offset) }.prefix(8)
            md += "\n### \(name)\n\n| feature | meaning | coefficient |\n|---|---|---|\n"
            for (j, v) in ranked {
                md += "| `\(columns[j].name)` | \(v >= 0 ? "more" : "less") likely when: \(columns[j].label) | \(String(format: "%+.3f", v)) |\n"
            }
        }
        return md
    }
}
