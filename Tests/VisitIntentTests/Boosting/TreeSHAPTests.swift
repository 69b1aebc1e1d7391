import Foundation
import LinearAlgebra
import Testing
import VisitIntent
import VisitIntentTestSupport

/// The leaf-by-leaf TreeSHAP in `model.contributions` against two independent
/// references: the recursion of Lundberg, Erion & Lee (2018, Algorithm 2),
/// which the model used before, and Shapley values by enumerating subsets.
@Suite struct TreeSHAPTests {
    /// Algorithm 2 as published: one path buffer per recursion level, extended
    /// at each node and unwound where a feature repeats.
    enum Recursive {
        struct Element { var feature: Int; var zero: Double; var one: Double; var weight: Double }

        static func contributions(_ model: GradientBoostingModel, _ x: [Float]) -> [[Double]] {
            let d = model.featureColumns.count, T = model.outputs
            var phi = [[Double]](repeating: [Double](repeating: 0, count: d + 1), count: T)
            for t in 0..<T { phi[t][d] = model.initialScores[t] }
            for (i, tree) in model.trees.enumerated() {
                if tree.splitFeature.isEmpty { phi[i % T][d] += tree.leafValue[0]; continue }
                phi[i % T][d] += expected(tree, 0)
                recurse(tree, x, node: 0, path: [], zero: 1, one: 1, feature: -1, phi: &phi[i % T])
            }
            return phi
        }

        static func cover(_ tree: RegressionTree, _ child: Int32) -> Double {
            child < 0 ? Double(tree.leafCount[Int(~child)]) : Double(tree.nodeCount[Int(child)])
        }

        static func share(_ tree: RegressionTree, _ n: Int, _ child: Int32) -> Double {
            let total = Double(tree.nodeCount[n])
            return total > 0 ? cover(tree, child) / total : 0.5
        }

        static func expected(_ tree: RegressionTree, _ node: Int32) -> Double {
            if node < 0 { return tree.leafValue[Int(~node)] }
            let n = Int(node)
            return share(tree, n, tree.left[n]) * expected(tree, tree.left[n]) + share(tree, n, tree.right[n]) * expected(tree, tree.right[n])
        }

        static func extend(_ m: inout [Element], zero: Double, one: Double, feature: Int) {
            let l = m.count
            m.append(Element(feature: feature, zero: zero, one: one, weight: l == 0 ? 1 : 0))
            for i in stride(from: l - 1, through: 0, by: -1) {
                m[i + 1].weight += one * m[i].weight * Double(i + 1) / Double(l + 1)
                m[i].weight = zero * m[i].weight * Double(l - i) / Double(l + 1)
            }
        }

        /// The path with element `index` removed, its weights un-extended.
        static func unwound(_ path: [Element], _ index: Int) -> [Element] {
            var m = path
            let l = m.count, one = m[index].one, zero = m[index].zero
            var next = m[l - 1].weight
            for j in stride(from: l - 2, through: 0, by: -1) {
                if one != 0 {
                    let t = m[j].weight
                    m[j].weight = next * Double(l) / (Double(j + 1) * one)
                    next = t - m[j].weight * zero * Double(l - 1 - j) / Double(l)
                } else {
                    m[j].weight = m[j].weight * Double(l) / (zero * Double(l - 1 - j))
                }
            }
            // Weights stay in place; the later elements' features and fractions move down one.
            for k in index..<(l - 1) {
                m[k].feature = m[k + 1].feature
                m[k].zero = m[k + 1].zero
                m[k].one = m[k + 1].one
            }
            return Array(m.prefix(l - 1))
        }

        static func recurse(_ tree: RegressionTree, _ x: [Float], node: Int32, path: [Element], zero: Double, one: Double, feature: Int, phi: inout [Double]) {
            var m = path
            extend(&m, zero: zero, one: one, feature: feature)
            if node < 0 {
                let v = tree.leafValue[Int(~node)]
                for i in 1..<m.count {
                    let w = unwound(m, i).reduce(0) { $0 + $1.weight }
                    phi[m[i].feature] += w * (m[i].one - m[i].zero) * v
                }
                return
            }
            let n = Int(node), f = Int(tree.splitFeature[n])
            let goLeft = tree.goesLeft(node: n, value: x[f])
            let hot = goLeft ? tree.left[n] : tree.right[n], cold = goLeft ? tree.right[n] : tree.left[n]
            var inZero = 1.0, inOne = 1.0
            if let k = (1..<m.count).first(where: { m[$0].feature == f }) {
                inZero = m[k].zero
                inOne = m[k].one
                m = unwound(m, k)
            }
            recurse(tree, x, node: hot, path: m, zero: inZero * share(tree, n, hot), one: inOne, feature: f, phi: &phi)
            recurse(tree, x, node: cold, path: m, zero: inZero * share(tree, n, cold), one: 0, feature: f, phi: &phi)
        }
    }

    func config(_ change: (inout GradientBoostingConfiguration) -> Void) -> GradientBoostingConfiguration {
        var c = GradientBoostingConfiguration()
        c.threads = 2
        change(&c)
        return c
    }

    /// Whether a path below `node` splits on one feature twice: the case the
    /// recursion must unwind and the walk must divide out.
    static func repeats(_ tree: RegressionTree, _ node: Int32, _ seen: [Int32] = []) -> Bool {
        if node < 0 { return false }
        let f = tree.splitFeature[Int(node)]
        return seen.contains(f) || repeats(tree, tree.left[Int(node)], seen + [f]) || repeats(tree, tree.right[Int(node)], seen + [f])
    }

    /// The most distinct features on one path: the walk takes ⌈k/2⌉ quadrature nodes.
    static func widest(_ model: GradientBoostingModel) -> Int {
        func widest(_ tree: RegressionTree, _ node: Int32, _ seen: Set<Int32>) -> Int {
            if node < 0 { return seen.count }
            let s = seen.union([tree.splitFeature[Int(node)]])
            return max(widest(tree, tree.left[Int(node)], s), widest(tree, tree.right[Int(node)], s))
        }
        return model.trees.map { $0.splitFeature.isEmpty ? 0 : widest($0, 0, []) }.max() ?? 0
    }

    /// Deep leaf-wise trees (paths repeat features), NaN rows taking default
    /// sides (numeric and categorical), a categorical feature, two and three
    /// classes, paths needing two, four and eight quadrature nodes: every entry
    /// within 1e-12 of the recursion, scaled by the row's largest contribution.
    @Test(arguments: [(2, 31, 1, 7), (3, 31, 2, 7), (3, 63, 3, 7), (2, 8, 4, 7), (3, 127, 5, 16)])
    func matchesTheRecursiveAlgorithm(classes: Int, leaves: Int, seed: UInt64, features d: Int) throws {
        let data = TestSupport.syntheticClassification(rows: 2000, features: d, classes: classes, seed: seed)
        var x = data.x
        for r in 0..<x.rows {
            x[r, d - 1] = r % 11 == 0 ? .nan : Float(r * 7 % 9)
            if r % 5 == 0 { x[r, Int(seed) % (d - 1)] = .nan }
        }
        let (model, _) = try GradientBoostingTrainer(configuration: config {
            $0.rounds = 12; $0.numLeaves = leaves; $0.minDataInLeaf = 5; $0.categoricalFeatures = [d - 1]
        }).fit(TrainingData(x: x, y: data.y, classes: data.classes), seed: seed)
        #expect(model.trees.contains { !$0.splitFeature.isEmpty && Self.repeats($0, 0) })
        if d > 8 { #expect((9...16).contains(Self.widest(model)), "paths for one vector of eight nodes") }
        for r in stride(from: 0, to: 2000, by: 37) {
            let row = x.row(r)
            let fast = model.contributions(row), reference = Recursive.contributions(model, row)
            for t in 0..<model.outputs {
                let scale = max(1, reference[t].map(abs).max() ?? 0)
                for j in reference[t].indices {
                    #expect(abs(fast[t][j] - reference[t][j]) <= 1e-12 * scale, "row \(r) output \(t) column \(j): \(fast[t][j]) vs \(reference[t][j])")
                }
            }
        }
    }

    /// Paths of more than 16 distinct features need more than eight
    /// quadrature nodes, taken eight at a time: noise labels and 511 leaves
    /// grow them.
    @Test func longPathsMatchTheRecursiveAlgorithm() throws {
        var rng = SeededGenerator(seed: 5)
        let n = 4000, d = 30
        let x = Matrix<Float>(rows: n, columns: d, storage: (0..<(n * d)).map { _ in Float(rng.uniform()) })
        let y = (0..<n).map { _ in Int32(rng.uniform() < 0.5 ? 0 : 1) }
        let (model, _) = try GradientBoostingTrainer(configuration: config { $0.rounds = 2; $0.numLeaves = 511; $0.minDataInLeaf = 2; $0.learningRate = 0.5 })
            .fit(TrainingData(x: x, y: y, classes: ["a", "b"]))
        #expect(Self.widest(model) > 16)
        for r in stride(from: 0, to: n, by: 150) {
            let row = x.row(r)
            let fast = model.contributions(row)[0], reference = Recursive.contributions(model, row)[0]
            let scale = max(1, reference.map(abs).max() ?? 0)
            for j in reference.indices {
                #expect(abs(fast[j] - reference[j]) <= 1e-12 * scale, "row \(r) column \(j): \(fast[j]) vs \(reference[j])")
            }
        }
    }

    /// Shapley values by enumeration of every feature subset, with the value
    /// function TreeSHAP uses: E[f(x) | x_S], following x on features in S and
    /// splitting by training cover elsewhere (half and half under a node of no
    /// cover); the base column is E[f] plus the initial score.
    func expectShapleyValues(_ model: GradientBoostingModel, rows x: Matrix<Float>, by step: Int) {
        func value(_ tree: RegressionTree, _ node: Int32, _ x: [Float], _ subset: Set<Int>) -> Double {
            if node < 0 { return tree.leafValue[Int(~node)] }
            let n = Int(node), f = Int(tree.splitFeature[n])
            if subset.contains(f) { return value(tree, tree.goesLeft(node: n, value: x[f]) ? tree.left[n] : tree.right[n], x, subset) }
            return Recursive.share(tree, n, tree.left[n]) * value(tree, tree.left[n], x, subset)
                + Recursive.share(tree, n, tree.right[n]) * value(tree, tree.right[n], x, subset)
        }
        func factorial(_ k: Int) -> Double { k <= 1 ? 1 : Double(k) * factorial(k - 1) }
        let d = x.columns
        let base = model.initialScores[0] + model.trees.reduce(0) { $0 + value($1, $1.splitFeature.isEmpty ? ~0 : 0, [], []) }
        for r in stride(from: 0, to: x.rows, by: step) {
            let row = x.row(r)
            let phi = model.contributions(row)[0]
            #expect(abs(phi[d] - base) < 1e-10, "row \(r) base: \(phi[d]) vs \(base)")
            for i in 0..<d {
                let others = (0..<d).filter { $0 != i }
                var expected = 0.0
                for mask in 0..<(1 << others.count) {
                    let s = Set(others.enumerated().filter { mask >> $0.offset & 1 == 1 }.map(\.element))
                    let weight = factorial(s.count) * factorial(d - s.count - 1) / factorial(d)
                    for tree in model.trees where !tree.splitFeature.isEmpty {
                        expected += weight * (value(tree, 0, row, s.union([i])) - value(tree, 0, row, s))
                    }
                }
                #expect(abs(phi[i] - expected) < 1e-10, "row \(r) feature \(i): \(phi[i]) vs \(expected)")
            }
        }
    }

    /// Trees deep enough to split on a feature twice along a path.
    @Test func matchesShapleyValuesByEnumeration() throws {
        let data = TestSupport.syntheticClassification(rows: 800, features: 6, classes: 2, seed: 27)
        let (model, _) = try GradientBoostingTrainer(configuration: config { $0.rounds = 4; $0.numLeaves = 20; $0.minDataInLeaf = 5 }).fit(data)
        #expect(model.trees.contains { !$0.splitFeature.isEmpty && Self.repeats($0, 0) })
        expectShapleyValues(model, rows: data.x, by: 53)
    }

    /// Children of no training cover (z = 0 on the path, where the recursion
    /// would divide 0 by 0) and nodes of no cover (shares of ½): the model's
    /// counts zeroed in its JSON, then the enumeration again.
    @Test func zeroCoverMatchesShapleyValuesByEnumeration() throws {
        let data = TestSupport.syntheticClassification(rows: 800, features: 5, classes: 2, seed: 31)
        let (trained, _) = try GradientBoostingTrainer(configuration: config { $0.rounds = 3; $0.numLeaves = 12; $0.minDataInLeaf = 5 }).fit(data)
        var json = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(trained)) as? [String: Any])
        var trees = try #require(json["trees"] as? [[String: Any]])
        for t in trees.indices {
            var leafCount = try #require(trees[t]["leaf_count"] as? [Int]), nodeCount = try #require(trees[t]["node_count"] as? [Int])
            for l in leafCount.indices where l % 3 == t % 3 { leafCount[l] = 0 }
            if nodeCount.count > 2 { nodeCount[nodeCount.count - 1] = 0 }
            trees[t]["leaf_count"] = leafCount
            trees[t]["node_count"] = nodeCount
        }
        json["trees"] = trees
        let model = try JSONDecoder().decode(GradientBoostingModel.self, from: JSONSerialization.data(withJSONObject: json))
        expectShapleyValues(model, rows: data.x, by: 41)
        for r in stride(from: 0, to: 800, by: 41) {
            let phi = model.contributions(data.x.row(r))[0]
            #expect(phi.allSatisfy { $0.isFinite })
            let raw = try model.rawScores(Matrix(rows: 1, columns: 5, storage: data.x.row(r)), threads: 1)[0]
            #expect(abs(phi.reduce(0, +) - raw) < 1e-9)
        }
    }
}
