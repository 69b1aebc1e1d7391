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

    /// Adds this tree's contributions to `phi` (length features + 1; the last
    /// entry receives the tree's expected value).
    ///
    /// Paths live in one buffer, each recursion level's copy right after its
    /// parent's (as in the reference implementation), so a tree costs one
    /// allocation rather than one per node and leaf.
    static func add(tree: RegressionTree, x: UnsafePointer<Float>, into phi: inout [Double], features: Int) {
        if tree.splitFeature.isEmpty {
            phi[features] += tree.leafValue[0]
            return
        }
        phi[features] += expectedValue(tree, node: 0)
        // A path holds at most depth + 1 ≤ internal nodes + 1 elements; the levels' copies sum to less than this.
        let longest = tree.splitFeature.count + 2
        let buffer = UnsafeMutablePointer<PathElement>.allocate(capacity: longest * (longest + 1) / 2 + longest)
        defer { buffer.deallocate() }
        recurse(tree, x, node: 0, parent: buffer, parentCount: 0, zero: 1, one: 1, feature: -1, phi: &phi)
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
        var i = l - 1
        while i >= 0 {
            m[i + 1].weight += one * m[i].weight * Double(i + 1) / Double(l + 1)
            m[i].weight = zero * m[i].weight * Double(l - i) / Double(l + 1)
            i -= 1
        }
    }

    /// Removes element `index` from the `count`-element path `m`, un-extending the weights.
    static func unwind(_ m: UnsafeMutablePointer<PathElement>, count l: Int, _ index: Int) {
        let one = m[index].oneFraction, zero = m[index].zeroFraction
        var next = m[l - 1].weight
        var j = l - 2
        while j >= 0 {
            if one != 0 {
                let t = m[j].weight
                m[j].weight = next * Double(l) / (Double(j + 1) * one)
                next = t - m[j].weight * zero * Double(l - 1 - j) / Double(l)
            } else {
                m[j].weight = m[j].weight * Double(l) / (zero * Double(l - 1 - j))
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
    static func unwoundSum(_ m: UnsafeMutablePointer<PathElement>, count l: Int, _ index: Int) -> Double {
        let one = m[index].oneFraction, zero = m[index].zeroFraction
        var total = 0.0
        if one != 0 {
            var next = m[l - 1].weight
            var j = l - 2
            while j >= 0 {
                let w = next * Double(l) / (Double(j + 1) * one)
                total += w
                next = m[j].weight - w * zero * Double(l - 1 - j) / Double(l)
                j -= 1
            }
        } else {
            var j = l - 2
            while j >= 0 {
                total += m[j].weight * Double(l) / (zero * Double(l - 1 - j))
                j -= 1
            }
        }
        return total
    }

    static func recurse(_ tree: RegressionTree, _ x: UnsafePointer<Float>, node: Int32, parent: UnsafeMutablePointer<PathElement>,
                        parentCount: Int, zero: Double, one: Double, feature: Int, phi: inout [Double]) {
        let m = parent + parentCount
        m.initialize(from: parent, count: parentCount)
        extend(m, count: parentCount, zero: zero, one: one, feature: feature)
        var count = parentCount + 1
        if node < 0 {
            let value = tree.leafValue[Int(~node)]
            for i in 1..<count {
                let w = unwoundSum(m, count: count, i)
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
            unwind(m, count: count, k)
            count -= 1
        }
        let total = Double(tree.nodeCount[n])
        let hotShare = total > 0 ? cover(tree, hot) / total : 0.5
        let coldShare = total > 0 ? cover(tree, cold) / total : 0.5
        recurse(tree, x, node: hot, parent: m, parentCount: count, zero: incomingZero * hotShare, one: incomingOne, feature: f, phi: &phi)
        recurse(tree, x, node: cold, parent: m, parentCount: count, zero: incomingZero * coldShare, one: 0, feature: f, phi: &phi)
    }
}
