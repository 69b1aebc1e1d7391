import Foundation
import LinearAlgebra
import Testing
import VisitIntent
import VisitIntentTestSupport

@Suite struct OneHotEncoderTests {
    /// A categorical column and a numeric one; the class depends on the category.
    static func data() -> TrainingData {
        var rng = SeededGenerator(seed: 3)
        let n = 600
        var x = [Float](), y = [Int32]()
        for _ in 0..<n {
            let level = Int.random(in: 0..<3, using: &rng)
            let v = Float.random(in: -1...1, using: &rng)
            let logit = [-1.5, 0.2, 1.8][level] + 0.8 * Double(v)
            x += [Float(level), v]
            y.append(Double.random(in: 0..<1, using: &rng) < 1 / (1 + exp(-logit)) ? 1 : 0)
        }
        let columns = [FeatureColumn(name: "month", group: "table", label: "month", levels: ["Feb", "Mar", "May"]),
                       FeatureColumn(name: "pages", group: "table", label: "pages")]
        return TrainingData(x: Matrix(rows: n, columns: 2, storage: x), y: y, classes: ["no", "yes"], columns: columns)
    }

    @Test func expandsLevelsAndLeavesMissingAtZero() {
        let d = Self.data()
        let e = OneHotEncoder(inputColumns: d.columns)
        #expect(e.outputColumns.map(\.name) == ["month=Feb", "month=Mar", "month=May", "pages"])
        let m = e.expand(Matrix(rows: 2, columns: 2, storage: [2, 0.5, .nan, -1]))
        #expect(m.storage == [0, 0, 1, 0.5, 0, 0, 0, -1])
    }

    /// Training on the categorical column equals training on hand-made indicator columns.
    @Test func logisticOnCategoriesMatchesHandEncodedColumns() throws {
        let d = Self.data()
        var manual = [Float]()
        for r in 0..<d.rows {
            var row: [Float] = [0, 0, 0, d.x[r, 1]]
            row[Int(d.x[r, 0])] = 1
            manual += row
        }
        let numeric = TrainingData(x: Matrix(rows: d.rows, columns: 4, storage: manual), y: d.y, classes: d.classes)
        var c = LogisticRegressionConfiguration()
        c.l2 = 0.01
        let (a, _) = try LogisticRegressionTrainer(configuration: c).fit(d)
        let (b, _) = try LogisticRegressionTrainer(configuration: c).fit(numeric)
        let pa = try a.predictProbabilities(d.x, threads: 1), pb = try b.predictProbabilities(numeric.x, threads: 1)
        for r in 0..<d.rows { #expect(abs(pa[r, 1] - pb[r, 1]) < 1e-5) }
        // The category's effect has the generating sign: May > Mar > Feb.
        #expect(a.weights[0][2] > a.weights[0][1] && a.weights[0][1] > a.weights[0][0])
        // It survives a save and load.
        let path = TestSupport.temporaryDirectory() + "/m.json"
        try ModelFile.write(a, to: path)
        let loaded = try ModelFile.loadClassifier(path: path)
        let pl = try loaded.predictProbabilities(d.x, threads: 1)
        #expect((0..<d.rows).allSatisfy { pl[$0, 1] == pa[$0, 1] })
    }
}
