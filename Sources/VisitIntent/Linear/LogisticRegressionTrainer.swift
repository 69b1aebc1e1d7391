import LinearAlgebra

/// Fits multinomial logistic regression (softmax; binary is the two-class
/// case with one logit) on standardised features by minimising
/// `SoftmaxCrossEntropy` + optional L1 with L-BFGS/OWL-QN or Newton.
public struct LogisticRegressionTrainer: Trainer {
    public var configuration: LogisticRegressionConfiguration

    public init(configuration: LogisticRegressionConfiguration = LogisticRegressionConfiguration()) {
        self.configuration = configuration
    }

    /// Per-row weights from class weights and sample weights.
    static func rowWeights(_ data: TrainingData, _ classWeight: LogisticRegressionConfiguration.ClassWeight) throws -> [Double]? {
        var perClass: [Double]? = nil
        switch classWeight {
        case .none: break
        case .balanced:
            let counts = data.classCounts
            let k = Double(counts.filter { $0 > 0 }.count)
            perClass = counts.map { $0 > 0 ? Double(data.rows) / (k * Double($0)) : 0 }
        case .explicit(let map):
            for name in map.keys where !data.classes.contains(name) { throw TrainingError.unknownClassWeight(name) }
            perClass = data.classes.map { map[$0] ?? 1 }
        }
        guard perClass != nil || data.sampleWeights != nil else { return nil }
        return (0..<data.rows).map { i in (perClass?[Int(data.y[i])] ?? 1) * (data.sampleWeights?[i] ?? 1) }
    }

    public func fit(_ input: TrainingData, featureSpec: FeatureSpec? = nil, seed: UInt64 = 0, progress: Progress? = nil) throws -> (LogisticRegressionModel, TrainingRecord) {
        guard input.rows > 0 else { throw TrainingError.noRows }
        // Categorical table columns become indicator columns.
        let oneHot = input.columns.contains(where: \.isCategorical) ? OneHotEncoder(inputColumns: input.columns) : nil
        var data = input
        if let oneHot { data = TrainingData(x: oneHot.expand(input.x), y: input.y, classes: input.classes, sampleWeights: input.sampleWeights, columns: oneHot.outputColumns) }
        let present = zip(data.classes, data.classCounts).filter { $0.1 > 0 }.map(\.0)
        guard present.count >= 2 else { throw TrainingError.tooFewClasses(present) }
        let config = configuration
        BLAS.setThreads(1)  // we parallelise over row blocks ourselves, deterministically
        let standardizer = Standardizer.fit(data.x, transforms: data.transforms)
        let xs = standardizer.apply(data.x)
        let weights = try Self.rowWeights(data, config.classWeight)
        let objective = SoftmaxCrossEntropy(x: xs, y: data.y, weights: weights, classCount: data.classes.count, lambda: config.l2, threads: config.threads)
        let d = xs.columns, m = objective.outputs
        let start = [Double](repeating: 0, count: objective.parameterCount)
        var solver = config.solver
        if solver == .auto { solver = (objective.parameterCount <= 600 && config.l1 == 0) ? .newton : .lbfgs }
        if solver == .newton && config.l1 > 0 {
            throw TrainingError.invalid("the Newton solver does not handle an L1 penalty; use --solver lbfgs (OWL-QN)")
        }
        let report: (Int, Double) -> Void = { iteration, _ in progress?.update(min(0.99, Double(iteration) / Double(max(config.convergence.maxIterations, 1)) * 4)) }
        let result: OptimizationResult
        switch solver {
        case .newton:
            result = NewtonSolver(criteria: config.convergence).minimize(objective, start: start, onIteration: report)
        default:
            var l1: [Double]? = nil
            if config.l1 > 0 {
                l1 = [Double](repeating: 0, count: objective.parameterCount)
                for i in 0..<(d * m) { l1![i] = config.l1 }
            }
            result = LBFGS(criteria: config.convergence).minimize(objective, start: start, l1: l1, onIteration: report)
        }
        progress?.finish()
        guard result.objective.isFinite, result.parameters.allSatisfy(\.isFinite) else {
            throw TrainingError.invalid("the optimisation diverged (objective \(result.objective)); check the features for extreme values or raise --l2")
        }
        var theta = result.parameters
        if m > 1 {
            // Softmax intercepts are defined up to a constant: centre them.
            let mean = theta[(d * m)...].reduce(0, +) / Double(m)
            for k in 0..<m { theta[d * m + k] -= mean }
        }
        // Column-major per output for the file: weights[k][j].
        let w = (0..<m).map { k in (0..<d).map { j in theta[j * m + k] } }
        let model = LogisticRegressionModel(classes: data.classes, featureSpec: featureSpec, featureColumns: input.columns, oneHot: oneHot, standardizer: standardizer,
                                            weights: w, intercepts: Array(theta[(d * m)...]), configuration: config, solverUsed: solver)
        var counts: [String: Int] = [:]
        for (c, n) in zip(data.classes, data.classCounts) { counts[c] = n }
        let record = TrainingRecord(rows: data.rows, classCounts: counts, dataFingerprint: input.fingerprint, iterations: result.iterations,
                                    evaluations: result.evaluations, stopReason: result.stopReason.rawValue, objective: result.objective,
                                    gradientNorm: result.gradientNorm, seed: seed)
        return (model, record)
    }
}
