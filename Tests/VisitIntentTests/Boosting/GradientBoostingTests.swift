import Foundation
import LinearAlgebra
import Testing
import VisitIntent
import VisitIntentTestSupport

@Suite struct GradientBoostingTests {
    func config(_ change: (inout GradientBoostingConfiguration) -> Void = { _ in }) -> GradientBoostingConfiguration {
        var c = GradientBoostingConfiguration()
        c.threads = 2
        change(&c)
        return c
    }

    func logLoss(_ p: Matrix<Double>, _ y: [Int32]) -> Double {
        var s = 0.0
        for r in 0..<p.rows { s -= log(max(p[r, Int(y[r])], 1e-15)) }
        return s / Double(p.rows)
    }

    @Test func stumpFindsTheKnownSplitAndNewtonLeafValues() throws {
        // x ∈ {1, 2, 3, 4}, ten rows each; y = 1 exactly when x ≥ 3.
        let xs: [Float] = (0..<40).map { Float($0 / 10 + 1) }
        let data = TrainingData(x: Matrix(rows: 40, columns: 1, storage: xs), y: xs.map { $0 >= 3 ? 1 : 0 }, classes: ["no", "yes"])
        let lambda = 1.0
        let (model, _) = try GradientBoostingTrainer(configuration: config {
            $0.rounds = 1; $0.numLeaves = 2; $0.learningRate = 1; $0.lambdaL2 = lambda; $0.minDataInLeaf = 1
        }).fit(data)
        let tree = model.trees[0]
        #expect(tree.splitFeature == [0])
        #expect(tree.threshold == [2.5])  // midpoint between 2 and 3
        // Start at log-odds 0 (half positives): g = 0.5 − y, h = 0.25 per row.
        #expect(model.initialScores == [0])
        let leftValue = -(20 * 0.5) / (20 * 0.25 + lambda), rightValue = -(20 * -0.5) / (20 * 0.25 + lambda)
        #expect(abs(tree.leafValue[0] - leftValue) < 1e-6 && abs(tree.leafValue[1] - rightValue) < 1e-6)
    }

    @Test(arguments: [2, 3])
    func trainingLossNeverIncreases(classes: Int) throws {
        let data = TestSupport.syntheticClassification(rows: 800, features: 6, classes: classes, seed: 11)
        let (model, _) = try GradientBoostingTrainer(configuration: config { $0.rounds = 30; $0.numLeaves = 8 }).fit(data)
        var previous = Double.infinity
        for r in 0...30 {
            let loss = logLoss(try model.predictProbabilities(data.x, rounds: r, threads: 1), data.y)
            #expect(loss <= previous + 1e-12, "round \(r): \(loss) after \(previous)")
            previous = loss
        }
    }

    @Test func missingValuesFollowTheLearnedDirection() throws {
        // Rows with x missing are positives; present rows are positives only above 8.
        var xs: [Float] = [], ys: [Int32] = []
        for i in 0..<300 {
            if i % 3 == 0 { xs.append(.nan); ys.append(1) } else { let v = Float(i % 10); xs.append(v); ys.append(v > 8 ? 1 : 0) }
        }
        let data = TrainingData(x: Matrix(rows: 300, columns: 1, storage: xs), y: ys, classes: ["a", "b"])
        let (model, _) = try GradientBoostingTrainer(configuration: config { $0.rounds = 1; $0.numLeaves = 3; $0.minDataInLeaf = 5; $0.learningRate = 1 }).fit(data)
        let p = try model.predictProbabilities(Matrix(rows: 3, columns: 1, storage: [.nan, 2, 9]), threads: 1)
        #expect(p[0, 1] > 0.5, "missing values should go with the positives")
        #expect(p[1, 1] < 0.5)
        #expect(model.trees[0].defaultLeft.contains(true) || model.trees[0].defaultLeft.contains(false))
    }

    @Test func nativeCategoricalSplitBeatsAnyOneHotSplit() throws {
        // Eight categories; positives are categories {1, 3, 5, 6}. One categorical split separates them;
        // a one-hot split can only peel off one category.
        var rng = SeededGenerator(seed: 3)
        let n = 800
        let codes = (0..<n).map { _ in Float(rng.next() % 8) }
        let y: [Int32] = codes.map { [1, 3, 5, 6].contains(Int($0)) ? 1 : 0 }
        let native = TrainingData(x: Matrix(rows: n, columns: 1, storage: codes), y: y, classes: ["no", "yes"])
        var oneHot = [Float](repeating: 0, count: n * 8)
        for r in 0..<n { oneHot[r * 8 + Int(codes[r])] = 1 }
        let encoded = TrainingData(x: Matrix(rows: n, columns: 8, storage: oneHot), y: y, classes: ["no", "yes"])
        let stump = config { $0.rounds = 1; $0.numLeaves = 2; $0.learningRate = 1; $0.minDataInLeaf = 1; $0.categoricalFeatures = [0] }
        let (nativeModel, _) = try GradientBoostingTrainer(configuration: stump).fit(native)
        let (oneHotModel, _) = try GradientBoostingTrainer(configuration: config { $0.rounds = 1; $0.numLeaves = 2; $0.learningRate = 1; $0.minDataInLeaf = 1 }).fit(encoded)
        let nativeLoss = logLoss(try nativeModel.predictProbabilities(native.x, threads: 1), y)
        let oneHotLoss = logLoss(try oneHotModel.predictProbabilities(encoded.x, threads: 1), y)
        #expect(nativeModel.trees[0].isCategorical == [true])
        #expect(nativeLoss < oneHotLoss - 0.1, "native \(nativeLoss), one-hot \(oneHotLoss)")
        let p = try nativeModel.predictProbabilities(Matrix(rows: 2, columns: 1, storage: [3, 2]), threads: 1)
        #expect(p[0, 1] > 0.5 && p[1, 1] < 0.5)
    }

    @Test func saveLoadAndThreadsGiveIdenticalModels() throws {
        let data = TestSupport.syntheticClassification(rows: 1500, features: 8, classes: 3, seed: 5)
        let one = try GradientBoostingTrainer(configuration: config { $0.threads = 1; $0.rounds = 20; $0.featureFraction = 0.7; $0.baggingFraction = 0.8; $0.baggingFrequency = 1 }).fit(data, seed: 9).0
        let two = try GradientBoostingTrainer(configuration: config { $0.threads = 2; $0.rounds = 20; $0.featureFraction = 0.7; $0.baggingFraction = 0.8; $0.baggingFrequency = 1 }).fit(data, seed: 9).0
        #expect(try ModelFile.bytes(one) == ModelFile.bytes(two))
        let path = TestSupport.temporaryDirectory("gbdt") + "/m.json"
        try ModelFile.write(one, to: path)
        let loaded = try ModelFile.loadClassifier(path: path)
        #expect(loaded.kind == "gbdt")
        #expect(try loaded.predictProbabilities(data.x, threads: 2).storage == one.predictProbabilities(data.x, threads: 1).storage)
    }

    @Test func earlyStoppingKeepsTheBestRound() throws {
        let data = TestSupport.syntheticClassification(rows: 1000, features: 6, classes: 2, seed: 8)
        let validation = TestSupport.syntheticClassification(rows: 400, features: 6, classes: 2, seed: 18)
        let (model, record) = try GradientBoostingTrainer(configuration: config { $0.rounds = 400; $0.learningRate = 0.3; $0.earlyStoppingRounds = 10 })
            .fit(data, validation: (validation.x, validation.y))
        #expect(record.evaluations < 400)
        #expect(record.iterations == model.rounds)
        #expect(record.evaluations - record.iterations == 10)
    }

    /// Batch prediction walks a flat copy of the trees: its raw scores must be
    /// exactly those of each tree's own walk (`RegressionTree.predict`) summed
    /// in tree order, for numeric and categorical splits, NaN (default
    /// direction) and category codes a tree never saw or that are not codes.
    @Test(arguments: [2, 3])
    func rawScoresEqualEachTreesOwnWalkSummed(classes: Int) throws {
        let data = TestSupport.syntheticClassification(rows: 1500, features: 5, classes: classes, seed: 21)
        var x = data.x
        var rng = SeededGenerator(seed: 22)
        for r in 0..<x.rows {
            // Codes in all four words of a node's category mask; the ones that matter span them.
            let code = [1, 70, 200, 250, 0, 5, 64, 127, 128, 191, 192, 254][Int(rng.next() % 12)]
            x[r, 4] = Float(code)
            if [1, 70, 200, 250].contains(code) { x[r, 0] += 2 }  // categories that matter, so trees split on them
            if r % 9 == 0 { x[r, 1] = .nan }
            if r % 13 == 0 { x[r, 4] = .nan }
        }
        let (model, _) = try GradientBoostingTrainer(configuration: config { $0.rounds = 20; $0.numLeaves = 16; $0.categoricalFeatures = [4]; $0.maxCategories = 255 })
            .fit(TrainingData(x: x, y: data.y, classes: data.classes))
        #expect(model.trees.contains { $0.isCategorical.contains(true) } && model.trees.contains { $0.defaultLeft.contains(true) })
        // Some split sends a category of the mask's upper words left (codes ≥ 64).
        #expect(model.trees.contains { t in t.leftCategories.contains { $0.count == 4 && $0[1...].contains { $0 != 0 } } })
        // Rows the trees never saw: unknown, negative, fractional and huge codes, NaN everywhere.
        var probe = x
        for (r, v) in [Float(-1), 12, 255, 256, 2.5, -0.0, .infinity, .nan, 63, 65, 199].enumerated() { probe[r, 4] = v }
        for c in 0..<probe.columns { probe[20, c] = .nan }
        let raw = try model.rawScores(probe, threads: 2)
        let T = model.outputs
        var mismatches = 0
        for r in 0..<probe.rows {
            var expected = model.initialScores
            probe.row(r).withUnsafeBufferPointer { row in
                for (i, tree) in model.trees.enumerated() { expected[i % T] += tree.predict(row.baseAddress!) }
            }
            for t in 0..<T where raw[r * T + t] != expected[t] { mismatches += 1 }
        }
        #expect(mismatches == 0)
    }

    @Test(arguments: [2, 3])
    func shapContributionsSumToTheRawScore(classes: Int) throws {
        let data = TestSupport.syntheticClassification(rows: 600, features: 5, classes: classes, seed: 13)
        var x = data.x
        for r in stride(from: 0, to: 600, by: 7) { x[r, 2] = .nan }
        let (model, _) = try GradientBoostingTrainer(configuration: config { $0.rounds = 15; $0.numLeaves = 12 }).fit(TrainingData(x: x, y: data.y, classes: data.classes))
        let raw = try model.rawScores(x, threads: 1)
        for r in 0..<40 {
            let phi = model.contributions(x.row(r))
            for t in 0..<model.outputs {
                #expect(abs(phi[t].reduce(0, +) - raw[r * model.outputs + t]) < 1e-9)
            }
        }
    }

    @Test func learnsTheClinicIntentsWellAboveTheBaseline() throws {
        let (data, labels, _) = try TestSupport.generatedDataset(sessions: 6000, seed: 17)
        var c = GradientBoostingConfiguration()
        c.rounds = 200
        c.learningRate = 0.05
        c.earlyStoppingRounds = 20
        let job = TrainingJob(data: data, labels: labels, labelsPath: "labels", taxonomyYAML: ClinicTaxonomy.yaml, features: FeatureConfiguration(),
                              validation: .split(0.25), model: .gbdt(c), seed: 3, threads: 2)
        let outcome = try job.run()
        let v = try #require(outcome.validation)
        #expect(v.macroF1 > v.majorityMacroF1 + 0.3)
        #expect(v.accuracy > v.majorityAccuracy + 0.08)
    }

    /// Large enough (≥ 65,536 rows) for the learner's two-chunk partition and
    /// parallel gradient blocks. The trainer moves training scores through its
    /// row partition, never walking a tree; its reported loss must equal the
    /// loss of the saved model's predictions on raw features, with and
    /// without bagging (which walks the trees for out-of-bag rows).
    @Test(arguments: [false, true])
    func trainingScoresMatchTheModelsPredictionsOnLargeData(bagging: Bool) throws {
        let data = TestSupport.syntheticClassification(rows: 70_000, features: 6, classes: 3, seed: 21)
        let trainer = GradientBoostingTrainer(configuration: config {
            $0.rounds = 4; $0.numLeaves = 15
            if bagging { $0.baggingFraction = 0.7; $0.baggingFrequency = 1 }
        })
        let (model, record) = try trainer.fit(data, seed: 4)
        let predicted = logLoss(try model.predictProbabilities(data.x, threads: 2), data.y)
        #expect(abs(record.objective - predicted) < 1e-9 * max(1, predicted))
        let one = try GradientBoostingTrainer(configuration: { var c = trainer.configuration; c.threads = 1; return c }()).fit(data, seed: 4).0
        #expect(try ModelFile.bytes(one) == ModelFile.bytes(model))
    }
}
