import Foundation
import LinearAlgebra
import Testing
import VisitIntent
import VisitIntentTestSupport

/// The contract every model passes (scikit-learn's `check_estimator` in
/// spirit): probability rows sum to one, columns follow `classes`, fitting is
/// deterministic, save → load keeps predictions, a wrong width is refused.
/// A new model adds its trainer to `trainers`.
@Suite struct ClassifierConformanceTests {
    static let trainers: [(String, (TrainingData) throws -> any Classifier)] = [
        ("logistic", { try LogisticRegressionTrainer().fit($0).0 }),
        ("logistic-balanced-l1", { var c = LogisticRegressionConfiguration(); c.l1 = 0.01; c.classWeight = .balanced; return try LogisticRegressionTrainer(configuration: c).fit($0).0 }),
        ("gbdt", { var c = GradientBoostingConfiguration(); c.rounds = 20; c.minDataInLeaf = 5; return try GradientBoostingTrainer(configuration: c).fit($0).0 }),
    ]
    static var names: [String] { trainers.map(\.0) }

    func trainer(_ name: String) -> (TrainingData) throws -> any Classifier { Self.trainers.first { $0.0 == name }!.1 }

    @Test(arguments: names)
    func probabilitiesAreDistributions(name: String) throws {
        let data = TestSupport.syntheticClassification(rows: 400, features: 6, classes: 3, seed: 3)
        let p = try trainer(name)(data).predictProbabilities(data.x, threads: 2)
        #expect(p.rows == 400 && p.columns == 3)
        for r in 0..<p.rows {
            let s = (0..<3).reduce(0.0) { $0 + p[r, $1] }
            #expect(abs(s - 1) < 1e-9)
            #expect((0..<3).allSatisfy { p[r, $0] >= 0 && p[r, $0] <= 1 })
        }
    }

    @Test(arguments: names)
    func columnsFollowClassNames(name: String) throws {
        // Class "only-high" is exactly the rows with x0 > 0.5: its column must be the one that lights up there.
        var rng = SeededGenerator(seed: 6)
        let rows = 600
        let x = Matrix<Float>(rows: rows, columns: 2, storage: (0..<(rows * 2)).map { _ in Float(rng.uniform()) })
        let classes = ["zeta", "alpha", "only-high"]
        let y: [Int32] = (0..<rows).map { x[$0, 0] > 0.5 ? 2 : ($0 % 2 == 0 ? 0 : 1) }
        let model = try trainer(name)(TrainingData(x: x, y: y, classes: classes))
        #expect(model.classes == classes)
        let p = try model.predictProbabilities(Matrix(rows: 2, columns: 2, storage: [0.95, 0.5, 0.05, 0.5]), threads: 1)
        #expect(p[0, 2] > 0.6 && p[1, 2] < 0.4)
    }

    @Test(arguments: names)
    func fittingIsDeterministicAndSurvivesSaving(name: String) throws {
        let data = TestSupport.syntheticClassification(rows: 300, features: 5, classes: 3, seed: 4)
        let a = try trainer(name)(data), b = try trainer(name)(data)
        #expect(try ModelFile.bytes(a) == ModelFile.bytes(b))
        let path = TestSupport.temporaryDirectory("conf") + "/m.json"
        try ModelFile.write(a, to: path)
        let loaded = try ModelFile.loadClassifier(path: path)
        #expect(try loaded.predictProbabilities(data.x, threads: 1) == a.predictProbabilities(data.x, threads: 2))
    }

    @Test(arguments: names)
    func wrongWidthIsRefused(name: String) throws {
        let data = TestSupport.syntheticClassification(rows: 100, features: 5, classes: 2, seed: 5)
        let model = try trainer(name)(data)
        #expect(throws: FeatureSpecError.columnCount(expected: 5, got: 4)) { try model.predictProbabilities(Matrix(rows: 1, columns: 4), threads: 1) }
    }
}
