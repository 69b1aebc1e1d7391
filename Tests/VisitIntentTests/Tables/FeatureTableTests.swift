import Foundation
import LinearAlgebra
import Testing
import VisitIntent
import VisitIntentTestSupport

@Suite struct FeatureTableTests {
    @Test func infersNumericBooleanAndCategoricalColumns() throws {
        let path = TestSupport.write("id;pages;weekend;month;y\nA;3;TRUE;Feb;yes\nB;;FALSE;Mar;no\nC;2.5;true;Feb;yes\n", name: "t.csv")
        var o = FeatureTable.Options()
        o.labelColumn = "y"
        o.idColumn = "id"
        let t = try FeatureTable.read(path: path, options: o)
        #expect(t.columns.map(\.name) == ["pages", "weekend", "month"])
        #expect(t.columns[2].levels == ["Feb", "Mar"])
        #expect(t.values[0, 0] == 3 && t.values[1, 0].isNaN && t.values[2, 0] == 2.5)
        #expect(t.values[0, 1] == 1 && t.values[1, 1] == 0 && t.values[2, 1] == 1)
        #expect(t.values[1, 2] == 1)
        #expect(t.labels == ["yes", "no", "yes"] && t.ids == ["A", "B", "C"])
    }

    @Test func scoringRefusesOtherColumnsAndListsThem() throws {
        let train = TestSupport.write("a,b,y\n1,2,x\n", name: "t.csv")
        var o = FeatureTable.Options()
        o.labelColumn = "y"
        let t = try FeatureTable.read(path: train, options: o)
        let other = TestSupport.write("a,c\n1,2\n", name: "s.csv")
        #expect { try FeatureTable.read(path: other, options: FeatureTable.Options(), schema: t.columns) } throws: {
            "\($0)".contains("missing: b") && "\($0)".contains("unexpected: c")
        }
        let bad = TestSupport.write("a,b,y\n1,oops,x\n", name: "u.csv")
        #expect { try FeatureTable.read(path: bad, options: o, schema: t.columns) } throws: {
            ($0 as? InputError)?.line == 2 && ($0 as? InputError)?.field == "b"
        }
    }

    /// The UCI Online Shoppers data (Sakar et al. 2018), when the shared data sets are present.
    @Test func onlineShoppersTreesBeatTheBaseline() throws {
        guard let shared = TestSupport.sharedDatasets else {
            print("skipped: ../shared/datasets is absent (see README, Data sets)")
            return
        }
        let path = shared + "/online-shoppers/online_shoppers_intention.csv"
        guard FileManager.default.fileExists(atPath: path) else { print("skipped: \(path) is absent"); return }
        var o = FeatureTable.Options()
        o.labelColumn = "Revenue"
        let table = try FeatureTable.read(path: path, options: o)
        #expect(table.values.rows == 12_330 && table.columns.count == 17)
        #expect(table.columns.first { $0.name == "Month" }?.levels?.count == 10)  // Jan and Apr are absent (README)
        var c = GradientBoostingConfiguration()
        c.rounds = 150
        c.learningRate = 0.05
        let outcome = try TrainingJob.fitTable(table, validationFraction: 0.25, model: .gbdt(c), seed: 7, threads: 2)
        let v = try #require(outcome.validation)
        // Always FALSE scores 84.5%; the paper's models reach about 87–89%.
        #expect(v.accuracy > 0.87)
        #expect(v.perClass[1].rocAUC! > 0.9)
    }
}
