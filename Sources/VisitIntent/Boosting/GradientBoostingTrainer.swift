import Foundation
import LinearAlgebra

/// Fits histogram gradient-boosted trees (Friedman 2001, "Greedy function
/// approximation"; histograms and leaf-wise growth after Ke et al. 2017).
///
/// `GBDT::TrainOneIter` in spirit: each round the objective gives gradients
/// and Hessians, the tree learner turns them into one tree per raw-score
/// column, and the scores move by the trees' (shrunken) leaf values. Rows can
/// be bagged and features sub-sampled per tree, from `seed` only. With
/// validation data, training stops when the chosen metric has not improved
/// for `earlyStoppingRounds` rounds, keeping the best round.
public struct GradientBoostingTrainer: Trainer {
    public var configuration: GradientBoostingConfiguration

    public init(configuration: GradientBoostingConfiguration = GradientBoostingConfiguration()) {
        self.configuration = configuration
    }

    public func fit(_ data: TrainingData, featureSpec: FeatureSpec? = nil, seed: UInt64 = 0, progress: Progress? = nil) throws -> (GradientBoostingModel, TrainingRecord) {
        try fit(data, validation: nil, featureSpec: featureSpec, seed: seed, progress: progress)
    }

    static func metric(named name: String) -> any Metric {
        switch name {
        case "accuracy": Accuracy()
        case "macro_f1": MacroF1()
        case "macro_roc_auc": MacroAUC()
        default: LogLoss()
        }
    }

    public func fit(_ data: TrainingData, validation: (x: Matrix<Float>, y: [Int32])?, featureSpec: FeatureSpec? = nil, seed: UInt64 = 0,
                    progress: Progress? = nil, clock: FitClock? = nil) throws -> (GradientBoostingModel, TrainingRecord) {
        let config = configuration
        try config.validate()
        guard data.rows > 0 else { throw TrainingError.noRows }
        let present = zip(data.classes, data.classCounts).filter { $0.1 > 0 }.map(\.0)
        guard present.count >= 2 else { throw TrainingError.tooFewClasses(present) }
        let threads = max(1, config.threads)
        let n = data.rows, d = data.x.columns, k = data.classes.count
        let objective: any BoostingObjective = k == 2 ? BinaryLogLoss() : SoftmaxObjective(classCount: k)
        let T = objective.outputs
        var categorical = [Bool](repeating: false, count: d)
        for j in config.categoricalFeatures where j >= 0 && j < d { categorical[j] = true }
        let binningStarted = DispatchTime.now()
        let bins = FeatureBins.fit(data.x, maxBin: config.maxBin, categorical: categorical, maxCategories: config.maxCategories, threads: threads)
        let binned = bins.apply(data.x, threads: threads)
        clock?.binningSeconds = Double(DispatchTime.now().uptimeNanoseconds - binningStarted.uptimeNanoseconds) / 1e9
        let weights = try LogisticRegressionTrainer.rowWeights(data, .none)
        let initial = objective.initialScores(y: data.y, weights: weights)
        var scores = [Double](repeating: 0, count: n * T)
        for r in 0..<n { for t in 0..<T { scores[r * T + t] = initial[t] } }
        var validationScores: [Double] = []
        if let v = validation {
            validationScores = [Double](repeating: 0, count: v.x.rows * T)
            for r in 0..<v.x.rows { for t in 0..<T { validationScores[r * T + t] = initial[t] } }
        }
        let learner = HistogramTreeLearner(data: binned, bins: bins, config: config, threads: threads)
        var trees: [RegressionTree] = []
        var g = [Float](repeating: 0, count: n), h = [Float](repeating: 0, count: n)
        var rows = (0..<Int32(n)).map { $0 }
        let allFeatures = Array(0..<d)
        let metric = Self.metric(named: config.earlyStoppingMetric)
        var bestScore: Double? = nil
        var bestRound = 0
        var stopReason = "round limit reached"
        var roundsRun = 0
        for round in 0..<config.rounds {
            var rng = SeededGenerator(seed: seed, stream: UInt64(round) + 1)
            if config.baggingFrequency > 0 && config.baggingFraction < 1 && round % config.baggingFrequency == 0 {
                rows = (0..<Int32(n)).filter { _ in rng.uniform() < config.baggingFraction }
                if rows.isEmpty { rows = [0] }
            }
            // Softmax gradients of every column come from the round's starting
            // scores; one output needs no copy.
            let roundScores = T > 1 ? scores : []
            for t in 0..<T {
                (T > 1 ? roundScores : scores).withUnsafeBufferPointer { sc in
                    data.y.withUnsafeBufferPointer { ys in
                        (weights ?? []).withUnsafeBufferPointer { ws in
                            g.withUnsafeMutableBufferPointer { gBuffer in
                                h.withUnsafeMutableBufferPointer { hBuffer in
                                    let gs = gBuffer.baseAddress!, hs = hBuffer.baseAddress!
                                    let w = weights == nil ? nil : ws.baseAddress
                                    let block = 32_768
                                    Parallel.forEach(blocks: (n + block - 1) / block, threads: threads) { b in
                                        objective.gradients(scores: sc.baseAddress!, y: ys.baseAddress!, weights: w, column: t,
                                                            rows: (b * block)..<min(n, (b + 1) * block), g: gs, h: hs)
                                    }
                                }
                            }
                        }
                    }
                }
                var features = allFeatures
                if config.featureFraction < 1 {
                    let keep = max(1, Int((Double(d) * config.featureFraction).rounded(.up)))
                    for i in 0..<keep { features.swapAt(i, i + Int(rng.next() % UInt64(d - i))) }
                    features = Array(features.prefix(keep)).sorted()
                }
                let grown = learner.grow(g: g, h: h, rows: rows, features: features)
                let tree = grown.tree
                trees.append(tree)
                // Move every training row's score by its leaf value: through the
                // learner's partition when every row was in it, else by walking the tree.
                scores.withUnsafeMutableBufferPointer { sBuffer in
                    binned.columns.withUnsafeBufferPointer { cols in
                        let s = sBuffer
                        if grown.rows.count == n {
                            // Leaves hold disjoint rows, so they can be moved at once.
                            Parallel.forEach(blocks: grown.leafRange.count, threads: threads) { leaf in
                                let value = tree.leafValue[leaf]
                                for i in grown.leafRange[leaf] { s[Int(grown.rows[i]) * T + t] += value }
                            }
                            return
                        }
                        let blocks = (n + 4095) / 4096
                        Parallel.forEach(blocks: blocks, threads: threads) { b in
                            for r in (b * 4096)..<min(n, (b + 1) * 4096) {
                                s[r * T + t] += tree.leafValue[tree.leaf(binned: cols.baseAddress!, rows: n, row: r)]
                            }
                        }
                    }
                }
                if let v = validation {
                    GradientBoostingModel.addTree(tree, x: v.x, column: t, outputs: T, scores: &validationScores, threads: threads)
                }
            }
            roundsRun = round + 1
            progress?.update(Double(round + 1) / Double(config.rounds))
            if let v = validation, config.earlyStoppingRounds > 0 {
                let p = GradientBoostingModel.probabilities(raw: validationScores, rows: v.x.rows, objective: objective, classCount: k)
                let value = metric.value(probabilities: p, labels: v.y) ?? (metric.higherIsBetter ? -Double.infinity : Double.infinity)
                if bestScore == nil || (metric.higherIsBetter ? value > bestScore! : value < bestScore!) {
                    bestScore = value
                    bestRound = round + 1
                } else if round + 1 - bestRound >= config.earlyStoppingRounds {
                    stopReason = "early stopping: no \(metric.name) improvement on validation for \(config.earlyStoppingRounds) rounds; best round \(bestRound)"
                    break
                }
            } else {
                bestRound = round + 1
            }
        }
        progress?.finish()
        trees = Array(trees.prefix(bestRound * T))
        let model = GradientBoostingModel(classes: data.classes, featureSpec: featureSpec, featureColumns: data.columns, bins: bins,
                                          initialScores: initial, trees: trees, configuration: config)
        // Final training loss of the kept model: from the running scores when
        // every round is kept (they are the model's raw scores), else predicted.
        let p = bestRound == roundsRun
            ? GradientBoostingModel.probabilities(raw: scores, rows: n, objective: objective, classCount: k)
            : try model.predictProbabilities(data.x, threads: threads)
        var loss = 0.0, wsum = 0.0
        for r in 0..<n { let w = weights?[r] ?? 1; loss -= w * log(max(p[r, Int(data.y[r])], 1e-15)); wsum += w }
        var counts: [String: Int] = [:]
        for (c, m) in zip(data.classes, data.classCounts) { counts[c] = m }
        let record = TrainingRecord(rows: n, classCounts: counts, dataFingerprint: data.fingerprint, iterations: bestRound, evaluations: roundsRun,
                                    stopReason: stopReason, objective: loss / max(wsum, 1e-300), gradientNorm: 0, seed: seed)
        return (model, record)
    }
}
