import Foundation

/// Exact SHAP values of a tree ensemble's raw score, with each node's training
/// cover as the background distribution: the values of path-dependent
/// TreeSHAP (Lundberg, Erion & Lee 2018, "Consistent individualized feature
/// attribution for tree ensembles", Algorithm 2), computed leaf by leaf with
/// the integral form of Linear TreeSHAP (Yu et al. 2022) instead of the
/// recursion's path weights.
///
/// Along the path to a leaf of value `v`, let `P` be the distinct features
/// split on, `k = |P|`, `z_j` the share of training cover that follows the
/// path at feature `j`'s splits (the product over them), and `o_j` 1 when the
/// row itself follows the path at all of them, else 0. The leaf gives feature
/// `i ∈ P` (Lundberg et al., eq. 2)
///
///     φ_i += v (o_i − z_i) Σ_{S ⊆ P∖{i}} w(|S|, k) Π_{j∈S} o_j Π_{j∈P∖S∖{i}} z_j,
///     w(s, k) = s! (k − s − 1)! / k! = ∫₀¹ tˢ (1 − t)^{k−1−s} dt,
///
/// and the Beta integral folds the sum over subsets into one product:
///
///     φ_i += v (o_i − z_i) ∫₀¹ Π_{j∈P∖{i}} (z_j (1 − t) + o_j t) dt.
///
/// The integrand is a polynomial of degree `k − 1`, so Gauss–Legendre
/// quadrature with `⌈k/2⌉` nodes is exact; products left and right of `i`
/// give every `i` of a path in `O(k²/2)` independent multiplications, against
/// the recursion's `O(k²)` chains of dependent ones and a path copy at every
/// node. The test suite keeps the recursion as the reference, with a
/// brute-force enumeration of subsets behind both.
enum TreeSHAP {
    /// Every tree's leaf paths, flattened, and the quadrature rules they need.
    struct Ensemble: Sendable {
        var trees: [Paths]
        /// The most distinct features on one path (sizes the workspace).
        var longestPath: Int
        /// The `n`-node rule on [0, 1] for `n ≤ 2` and `n ≤ 4` as one padded
        /// vector (nodes 0, weights 0 beyond `n`), and for every `n` in chunks
        /// of eight at `chunkStart[n]`.
        var rules2: [(nodes: SIMD2<Double>, weights: SIMD2<Double>)] = []
        var rules4: [(nodes: SIMD4<Double>, weights: SIMD4<Double>)] = []
        var chunks: [(nodes: SIMD8<Double>, weights: SIMD8<Double>)] = []
        var chunkStart: [Int] = []

        init(_ trees: [RegressionTree]) {
            self.trees = trees.map(Paths.init)
            longestPath = self.trees.lazy.map(\.longestPath).max() ?? 0
            for n in 0...max(4, (longestPath + 1) / 2) {
                let rule: (nodes: [Double], weights: [Double]) = n == 0 ? ([], []) : TreeSHAP.gaussLegendre(n)
                if n <= 2 { rules2.append((Self.padded(rule.nodes, from: 0), Self.padded(rule.weights, from: 0))) }
                if n <= 4 { rules4.append((Self.padded(rule.nodes, from: 0), Self.padded(rule.weights, from: 0))) }
                chunkStart.append(chunks.count)
                for c in stride(from: 0, to: n, by: 8) {
                    chunks.append((Self.padded(rule.nodes, from: c), Self.padded(rule.weights, from: c)))
                }
            }
            chunkStart.append(chunks.count)
        }

        /// `values[start...]` in a vector, zeros past the end.
        static func padded<V: SIMD>(_ values: [Double], from start: Int) -> V where V.Scalar == Double {
            var v = V()
            for i in 0..<V.scalarCount where start + i < values.count { v[i] = values[start + i] }
            return v
        }
    }

    /// One tree's leaf paths in depth-first order.
    struct Paths: Sendable {
        /// Path `p` ends in leaf `leaf[p]`.
        var leaf: [Int32] = []
        /// Path `p`'s distinct features are slots `slotStart[p]..<slotStart[p + 1]`.
        var slotStart: [Int32] = [0]
        var slotFeature: [Int32] = []
        /// `z_j`: the share of training cover that follows the path on the slot's feature.
        var slotZero: [Double] = []
        /// Path `p`'s splits are edges `edgeStart[p]..<edgeStart[p + 1]`: the
        /// internal node, whether the path goes left there, and the slot of its feature.
        var edgeStart: [Int32] = [0]
        var edgeNode: [Int32] = []
        /// 1 where the path goes left.
        var edgeLeft: [UInt8] = []
        var edgeSlot: [Int32] = []
        var longestPath = 0

        init(_ tree: RegressionTree) {
            guard !tree.splitFeature.isEmpty else { return }
            var stack: [Step] = []
            walk(tree, node: 0, path: &stack)
        }

        private struct Step { var node: Int32; var left: Bool; var feature: Int32; var share: Double }

        private mutating func walk(_ tree: RegressionTree, node: Int32, path: inout [Step]) {
            if node < 0 {
                let first = slotFeature.count
                for step in path {
                    var slot = first
                    while slot < slotFeature.count && slotFeature[slot] != step.feature { slot += 1 }
                    if slot == slotFeature.count {
                        slotFeature.append(step.feature)
                        slotZero.append(1)
                    }
                    slotZero[slot] *= step.share
                    edgeNode.append(step.node)
                    edgeLeft.append(step.left ? 1 : 0)
                    edgeSlot.append(Int32(slot - first))
                }
                leaf.append(~node)
                slotStart.append(Int32(slotFeature.count))
                edgeStart.append(Int32(edgeNode.count))
                longestPath = max(longestPath, slotFeature.count - first)
                return
            }
            let n = Int(node)
            let total = Double(tree.nodeCount[n])
            for (child, left) in [(tree.left[n], true), (tree.right[n], false)] {
                path.append(Step(node: node, left: left, feature: tree.splitFeature[n], share: total > 0 ? TreeSHAP.cover(tree, child) / total : 0.5))
                walk(tree, node: child, path: &path)
                path.removeLast()
            }
        }
    }

    /// Gauss–Legendre nodes and weights on [0, 1]: exact for polynomials of
    /// degree below `2n`. Nodes by Newton's method on the Legendre polynomial
    /// from the usual cosine guesses, to the last bit.
    static func gaussLegendre(_ n: Int) -> (nodes: [Double], weights: [Double]) {
        var nodes = [Double](repeating: 0, count: n), weights = nodes
        for i in 0..<n {
            var x = cos(Double.pi * (Double(i) + 0.75) / (Double(n) + 0.5))
            var derivative = 1.0
            for _ in 0..<100 {
                var p = x, previous = 1.0  // P_1 and P_0
                for j in stride(from: 2, through: n, by: 1) {
                    (p, previous) = ((Double(2 * j - 1) * x * p - Double(j - 1) * previous) / Double(j), p)
                }
                derivative = Double(n) * (x * p - previous) / (x * x - 1)
                let step = p / derivative
                x -= step
                if abs(step) <= 1e-16 * max(1, abs(x)) { break }
            }
            nodes[i] = (1 - x) / 2
            weights[i] = 1 / ((1 - x * x) * derivative * derivative)
        }
        return (nodes, weights)
    }

    /// Scratch for one explained row.
    struct Workspace {
        /// 1 where the row goes left at an internal node; 1 where it follows a path's slot.
        let goesLeft: UnsafeMutablePointer<UInt8>
        let follows: UnsafeMutablePointer<UInt8>
        /// A path's products left of each slot, one vector of nodes each.
        let left: UnsafeMutableRawPointer

        init(largestTree: Int, longestPath: Int) {
            let k = max(longestPath, 1)
            goesLeft = .allocate(capacity: max(largestTree, 1))
            follows = .allocate(capacity: k)
            left = .allocate(byteCount: k * MemoryLayout<SIMD8<Double>>.stride, alignment: MemoryLayout<SIMD8<Double>>.alignment)
        }

        func deallocate() { goesLeft.deallocate(); follows.deallocate(); left.deallocate() }
    }

    /// Adds tree `t`'s contributions to `phi` (length features + 1; the last
    /// entry receives the tree's expected value, `expectedValue(tree)`).
    static func add(tree: RegressionTree, _ t: Int, of ensemble: Ensemble, expected: Double, x: UnsafePointer<Float>,
                    into phi: UnsafeMutablePointer<Double>, features: Int, workspace ws: Workspace) {
        if tree.splitFeature.isEmpty {
            phi[features] += tree.leafValue[0]
            return
        }
        phi[features] += expected
        for n in 0..<tree.splitFeature.count { ws.goesLeft[n] = tree.goesLeft(node: n, value: x[Int(tree.splitFeature[n])]) ? 1 : 0 }
        let paths = ensemble.trees[t]
        paths.slotFeature.withUnsafeBufferPointer { feature in
        paths.slotZero.withUnsafeBufferPointer { zero in
        paths.edgeNode.withUnsafeBufferPointer { edgeNode in
        paths.edgeLeft.withUnsafeBufferPointer { edgeLeft in
        paths.edgeSlot.withUnsafeBufferPointer { edgeSlot in
            for p in paths.leaf.indices {
                let first = Int(paths.slotStart[p]), k = Int(paths.slotStart[p + 1]) - first
                // Without branches: whether a row follows an edge is a coin toss to the predictor.
                for j in 0..<k { ws.follows[j] = 1 }
                for e in Int(paths.edgeStart[p])..<Int(paths.edgeStart[p + 1]) {
                    ws.follows[Int(edgeSlot[e])] &= 1 ^ ws.goesLeft[Int(edgeNode[e])] ^ edgeLeft[e]
                }
                let n = (k + 1) / 2, value = tree.leafValue[Int(paths.leaf[p])]
                let z = zero.baseAddress! + first, f = feature.baseAddress! + first
                if n <= 2 {
                    let rule = ensemble.rules2[n]
                    addPath(nodes: rule.nodes, weights: rule.weights, value: value, k: k, zero: z, feature: f, follows: ws.follows,
                            left: ws.left.assumingMemoryBound(to: SIMD2<Double>.self), into: phi)
                } else if n <= 4 {
                    let rule = ensemble.rules4[n]
                    addPath(nodes: rule.nodes, weights: rule.weights, value: value, k: k, zero: z, feature: f, follows: ws.follows,
                            left: ws.left.assumingMemoryBound(to: SIMD4<Double>.self), into: phi)
                } else {
                    for c in ensemble.chunkStart[n]..<ensemble.chunkStart[n + 1] {
                        let rule = ensemble.chunks[c]
                        addPath(nodes: rule.nodes, weights: rule.weights, value: value, k: k, zero: z, feature: f, follows: ws.follows,
                                left: ws.left.assumingMemoryBound(to: SIMD8<Double>.self), into: phi)
                    }
                }
            }
        }}}}}
    }

    /// One path's share of `φ` from the quadrature nodes in `nodes` (a
    /// vector of them: the integral is their weighted sum): the products of
    /// the factors `z_j + (o_j − z_j) t` left of each slot, then right of it.
    @inline(__always)
    static func addPath<V: SIMD>(nodes t: V, weights: V, value: Double, k: Int, zero: UnsafePointer<Double>, feature: UnsafePointer<Int32>,
                                 follows: UnsafePointer<UInt8>, left: UnsafeMutablePointer<V>, into phi: UnsafeMutablePointer<Double>)
    where V.Scalar == Double {
        var product = V(repeating: 1)
        for j in 0..<k {
            left[j] = product
            let z = zero[j], slope = Double(follows[j]) - z
            product *= slope * t + z
        }
        var right = value * weights
        for j in stride(from: k - 1, through: 0, by: -1) {
            let z = zero[j], slope = Double(follows[j]) - z
            phi[Int(feature[j])] += slope * (left[j] * right).sum()
            right *= slope * t + z
        }
    }

    /// The tree's expected value over its training cover.
    static func expectedValue(_ tree: RegressionTree) -> Double {
        tree.splitFeature.isEmpty ? tree.leafValue[0] : expectedValue(tree, node: 0)
    }

    static func cover(_ tree: RegressionTree, _ child: Int32) -> Double {
        child < 0 ? Double(tree.leafCount[Int(~child)]) : Double(tree.nodeCount[Int(child)])
    }

    static func expectedValue(_ tree: RegressionTree, node: Int) -> Double {
        let total = Double(tree.nodeCount[node])
        func part(_ child: Int32) -> Double {
            let share = total > 0 ? cover(tree, child) / total : 0.5
            return share * (child < 0 ? tree.leafValue[Int(~child)] : expectedValue(tree, node: Int(child)))
        }
        return part(tree.left[node]) + part(tree.right[node])
    }

    /// The model's `Ensemble`, built on the first explained row: scoring
    /// without reasons never pays for the paths. Shared by copies of the
    /// model (it depends only on the trees, which never change).
    final class Cache: @unchecked Sendable, Equatable {
        private let lock = NSLock()
        private var built: Ensemble?

        func ensemble(_ trees: [RegressionTree]) -> Ensemble {
            lock.withLock {
                if let built { return built }
                let e = Ensemble(trees)
                built = e
                return e
            }
        }

        /// Derived data: never what makes two models differ.
        static func == (a: Cache, b: Cache) -> Bool { true }
    }
}
