import Foundation
import LinearAlgebra
import Testing
import VisitIntent
import VisitIntentTestSupport

/// The learner's histograms (eight features per word, gathered with prefetch
/// for scattered leaves) checked against sums recomputed row by row: route
/// every row through the first tree on its raw features, then compare each
/// node's row count, split gain and leaf value with the closed forms over the
/// rows that reached it; with every feature in play, also that no bin bound of
/// any feature would have split a node better (a brute-force search over the
/// raw values).
@Suite struct HistogramTreeLearnerTests {
    @Test(arguments: [(1, 1.0), (2, 1.0), (2, 0.8)])
    func firstTreeMatchesSumsRecomputedFromItsRows(threads: Int, featureFraction: Double) throws {
        // 11 features: one full group of eight and a partial one; NaN in one; a feature subset per tree.
        var data = TestSupport.syntheticClassification(rows: 20_000, features: 11, classes: 2, seed: 5)
        // Labels that lean on features of both groups, the NaN one included, so every lane matters.
        var rng = SeededGenerator(seed: 9)
        for r in 0..<data.x.rows {
            let s = 1.5 * data.x[r, 9] - 1.2 * data.x[r, 10] + 0.8 * data.x[r, 2] * data.x[r, 8] + 0.5 * data.x[r, 0]
            data.y[r] = Double(s) + rng.normal() * 0.5 > 0 ? 1 : 0
        }
        for r in stride(from: 0, to: data.x.rows, by: 7) { data.x[r, 9] = .nan }
        var c = GradientBoostingConfiguration()
        c.rounds = 1; c.numLeaves = 31; c.minDataInLeaf = 5; c.lambdaL2 = 0.5; c.learningRate = 0.3
        c.featureFraction = featureFraction; c.threads = threads
        let (model, _) = try GradientBoostingTrainer(configuration: c).fit(data, seed: 3)
        let tree = model.trees[0]
        #expect(tree.leaves == 31)
        // Round one: every row starts at the initial score; g = p − y, h = p(1 − p).
        let p = 1 / (1 + exp(-model.initialScores[0]))
        let nodes = tree.splitFeature.count
        var nodeG = [Double](repeating: 0, count: nodes), nodeH = nodeG, nodeRows = [Int](repeating: 0, count: nodes)
        var leafG = [Double](repeating: 0, count: tree.leaves), leafH = leafG, leafRows = [Int](repeating: 0, count: tree.leaves)
        var rowsAt = [[Int]](repeating: [], count: nodes)
        var row = [Float](repeating: 0, count: data.x.columns)
        for r in 0..<data.x.rows {
            for j in 0..<data.x.columns { row[j] = data.x[r, j] }
            let g = p - Double(data.y[r]), h = p * (1 - p)
            var node: Int32 = 0
            while node >= 0 {
                nodeG[Int(node)] += g; nodeH[Int(node)] += h; nodeRows[Int(node)] += 1; rowsAt[Int(node)].append(r)
                node = tree.goesLeft(node: Int(node), value: row[Int(tree.splitFeature[Int(node)])]) ? tree.left[Int(node)] : tree.right[Int(node)]
            }
            leafG[Int(~node)] += g; leafH[Int(~node)] += h; leafRows[Int(~node)] += 1
            #expect(Int(~node) == tree.leaf(row.withUnsafeBufferPointer { $0.baseAddress! }))
        }
        func sums(_ child: Int32) -> (g: Double, h: Double) {
            child < 0 ? (leafG[Int(~child)], leafH[Int(~child)]) : (nodeG[Int(child)], nodeH[Int(child)])
        }
        func score(_ g: Double, _ h: Double) -> Double { g * g / (h + c.lambdaL2) }
        for i in 0..<nodes {
            #expect(Int(tree.nodeCount[i]) == nodeRows[i], "node \(i)")
            let l = sums(tree.left[i]), rt = sums(tree.right[i])
            let gain = score(l.g, l.h) + score(rt.g, rt.h) - score(nodeG[i], nodeH[i])
            #expect(abs(Double(tree.gain[i]) - gain) <= 1e-4 * max(1, gain), "node \(i): gain \(tree.gain[i]), rows give \(gain)")
        }
        for i in 0..<tree.leaves {
            #expect(Int(tree.leafCount[i]) == leafRows[i], "leaf \(i)")
            let value = -leafG[i] / (leafH[i] + c.lambdaL2) * c.learningRate
            // The learner keeps g and h as Float32 (≈ 1e-7 relative each).
            #expect(abs(tree.leafValue[i] - value) <= 1e-6 * max(1, abs(value)), "leaf \(i): \(tree.leafValue[i]) vs \(value)")
        }
        if featureFraction == 1 {
            for i in 0..<nodes {
                let best = bestGain(rows: rowsAt[i], data: data, bounds: model.bins.bounds, p: p, config: c)
                #expect(abs(best - Double(tree.gain[i])) <= 1e-4 * max(1, best), "node \(i): gain \(tree.gain[i]), best by brute force \(best)")
            }
        }
        // Deep leaves are small, so their rows are scattered across the data (the gathered path).
        #expect(leafRows.min()! < 200)
    }

    /// Counts on either side of a split are estimated from Hessians (bin
    /// Hessian sum × rows / Hessian sum of the leaf, as LightGBM does), which
    /// differs from exact counts once Hessians differ between rows. In a later
    /// round, every node of the tree must leave at least `min_data_in_leaf`
    /// estimated rows on each side, recomputed from the rows that reach it;
    /// its recorded row count and gain must still be exact, and each leaf's
    /// value the Newton step of the rows that reach it, missing values
    /// included (rows far out on one feature, soon predicted confidently, carry
    /// lone missing values: their Hessians are small, yet they must be summed on
    /// the side they go to).
    @Test func laterRoundsKeepMinDataOnHessianEstimatedCounts() throws {
        var data = TestSupport.syntheticClassification(rows: 6_000, features: 6, classes: 2, seed: 11)
        for r in stride(from: 0, to: data.x.rows, by: 5) { data.x[r, 1] = .nan }
        // Lone missing values on rows far out on feature 0, which the model soon predicts confidently.
        for r in stride(from: 3, to: data.x.rows, by: 211) { data.x[r, 2] = .nan; data.x[r, 0] = 40; data.y[r] = 1 }
        var c = GradientBoostingConfiguration()
        c.rounds = 4; c.numLeaves = 31; c.minDataInLeaf = 40; c.lambdaL2 = 1; c.learningRate = 0.5
        let (model, _) = try GradientBoostingTrainer(configuration: c).fit(data, seed: 1)
        let tree = model.trees[3]
        let nodes = tree.splitFeature.count
        #expect(nodes > 5)
        var nodeG = [Double](repeating: 0, count: nodes), nodeH = nodeG, nodeRows = [Int](repeating: 0, count: nodes)
        var leftH = nodeH, leftG = nodeG
        var leafG = [Double](repeating: 0, count: tree.leaves), leafH = leafG
        var row = [Float](repeating: 0, count: data.x.columns)
        var hessians: [Double] = []
        for r in 0..<data.x.rows {
            for j in 0..<data.x.columns { row[j] = data.x[r, j] }
            // The score after three rounds, then this round's g and h (kept as Float32 by the learner).
            var z = model.initialScores[0]
            row.withUnsafeBufferPointer { x in for t in 0..<3 { z += model.trees[t].leafValue[model.trees[t].leaf(x.baseAddress!)] } }
            let p = 1 / (1 + exp(-z))
            let g = Double(Float(p - Double(data.y[r]))), h = Double(Float(p * (1 - p)))
            hessians.append(h)
            var node: Int32 = 0
            while node >= 0 {
                let i = Int(node)
                nodeG[i] += g; nodeH[i] += h; nodeRows[i] += 1
                let left = tree.goesLeft(node: i, value: row[Int(tree.splitFeature[i])])
                if left { leftG[i] += g; leftH[i] += h }
                node = left ? tree.left[i] : tree.right[i]
            }
            leafG[Int(~node)] += g; leafH[Int(~node)] += h
        }
        // Hessians really differ by now, so estimates are not exact counts.
        #expect(hessians.max()! > 1.5 * hessians.min()!)
        func score(_ g: Double, _ h: Double) -> Double { g * g / (h + c.lambdaL2) }
        for i in 0..<nodes {
            #expect(Int(tree.nodeCount[i]) == nodeRows[i], "node \(i)")
            let estimatedLeft = Int((leftH[i] * Double(nodeRows[i]) / nodeH[i]).rounded())
            #expect(estimatedLeft >= c.minDataInLeaf && nodeRows[i] - estimatedLeft >= c.minDataInLeaf,
                    "node \(i): \(estimatedLeft) of \(nodeRows[i]) rows left by Hessians")
            let gain = score(leftG[i], leftH[i]) + score(nodeG[i] - leftG[i], nodeH[i] - leftH[i]) - score(nodeG[i], nodeH[i])
            #expect(abs(Double(tree.gain[i]) - gain) <= 1e-3 * max(1, gain), "node \(i): gain \(tree.gain[i]), rows give \(gain)")
        }
        for i in 0..<tree.leaves {
            let value = -leafG[i] / (leafH[i] + c.lambdaL2) * c.learningRate
            #expect(abs(tree.leafValue[i] - value) <= 1e-4 * max(1, abs(value)), "leaf \(i): \(tree.leafValue[i]) vs \(value)")
        }
    }

    /// The best split gain over every bin bound of every feature, missing
    /// values on either side, found from the raw values of `rows`.
    func bestGain(rows: [Int], data: TrainingData, bounds: [[Float]], p: Double, config c: GradientBoostingConfiguration) -> Double {
        func score(_ g: Double, _ h: Double) -> Double { g * g / (h + c.lambdaL2) }
        let h = p * (1 - p)
        var G = 0.0
        for r in rows { G += p - Double(data.y[r]) }
        let H = h * Double(rows.count), C = rows.count
        var best = -Double.infinity
        func consider(_ gl: Double, _ hl: Double, _ cl: Int) {
            guard cl >= c.minDataInLeaf, C - cl >= c.minDataInLeaf, hl >= c.minSumHessianInLeaf, H - hl >= c.minSumHessianInLeaf else { return }
            best = max(best, score(gl, hl) + score(G - gl, H - hl) - score(G, H))
        }
        for j in 0..<data.x.columns {
            let b = bounds[j]
            var gBin = [Double](repeating: 0, count: b.count + 1), cBin = [Int](repeating: 0, count: b.count + 1)
            var gMissing = 0.0, cMissing = 0
            for r in rows {
                let v = data.x[r, j], g = p - Double(data.y[r])
                if v.isNaN { gMissing += g; cMissing += 1; continue }
                var k = 0
                while k < b.count && v > b[k] { k += 1 }
                gBin[k] += g; cBin[k] += 1
            }
            var gl = 0.0, cl = 0
            for t in 0..<b.count {
                gl += gBin[t]; cl += cBin[t]
                consider(gl, h * Double(cl), cl)
                consider(gl + gMissing, h * Double(cl + cMissing), cl + cMissing)
            }
            if cMissing > 0 { consider(G - gMissing, h * Double(C - cMissing), C - cMissing) }
        }
        return best
    }
}
