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
    static func add(tree: RegressionTree, x: UnsafePointer<Float>, into phi: inout [Double], features: Int) {
        if tree.splitFeature.isEmpty {
            phi[features] += tree.leafValue[0]
            return
        }
        phi[features] += expectedValue(tree, node: 0)
        recurse(tree, x, node: 0, path: [], zero: 1, one: 1, feature: -1, phi: &phi)
    }

    static func cover(_ tree: RegressionTree, _ child: Int32) -> Double {
        child < 0 ? Double(tree.leafCount[Int(~child)]) : Double(tree.nodeCount[Int(child)])
    }

    static func expectedValue(_ tree: RegressionTree, node: Int) -> Double {
        let total = Double(tree.nodeCount[node])
        var value = 0.0
        for child in [tree.left[node], tree.right[node]] {
            let share = total > 0 ? cover(tree, child) / total : 0.5
            value += share * (child < 0 ? tree.leafValue[Int(~child)] : expectedValue(tree, node: Int(child)))
        }
        return value
    }

    static func extend(_ path: [PathElement], zero: Double, one: Double, feature: Int) -> [PathElement] {
        var m = path
        let l = m.count
        m.append(PathElement(feature: feature, zeroFraction: zero, oneFraction: one, weight: l == 0 ? 1 : 0))
        var i = l - 1
        while i >= 0 {
            m[i + 1].weight += one * m[i].weight * Double(i + 1) / Double(l + 1)
            m[i].weight = zero * m[i].weight * Double(l - i) / Double(l + 1)
            i -= 1
        }
        return m
    }

    /// The path with element `index` removed, its weights un-extended.
    static func unwind(_ path: [PathElement], _ index: Int) -> [PathElement] {
        let l = path.count
        let one = path[index].oneFraction, zero = path[index].zeroFraction
        var weights = path.map(\.weight)
        var next = weights[l - 1]
        var j = l - 2
        while j >= 0 {
            if one != 0 {
                let t = weights[j]
                weights[j] = next * Double(l) / (Double(j + 1) * one)
                next = t - weights[j] * zero * Double(l - 1 - j) / Double(l)
            } else {
                weights[j] = weights[j] * Double(l) / (zero * Double(l - 1 - j))
            }
            j -= 1
        }
        var m: [PathElement] = []
        m.reserveCapacity(l - 1)
        for k in 0..<l where k != index {
            var e = path[k]
            e.weight = 0
            m.append(e)
        }
        for k in 0..<(l - 1) { m[k].weight = weights[k] }
        return m
    }

    static func unwoundSum(_ path: [PathElement], _ index: Int) -> Double {
        unwind(path, index).reduce(0) { $0 + $1.weight }
    }

    static func recurse(_ tree: RegressionTree, _ x: UnsafePointer<Float>, node: Int32, path: [PathElement],
                        zero: Double, one: Double, feature: Int, phi: inout [Double]) {
        var m = extend(path, zero: zero, one: one, feature: feature)
        if node < 0 {
            let value = tree.leafValue[Int(~node)]
            for i in 1..<m.count {
                let w = unwoundSum(m, i)
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
        if let k = m.indices.dropFirst().first(where: { m[$0].feature == f }) {
            incomingZero = m[k].zeroFraction
            incomingOne = m[k].oneFraction
            m = unwind(m, k)
        }
        let total = Double(tree.nodeCount[n])
        let hotShare = total > 0 ? cover(tree, hot) / total : 0.5
        let coldShare = total > 0 ? cover(tree, cold) / total : 0.5
        recurse(tree, x, node: hot, path: m, zero: incomingZero * hotShare, one: incomingOne, feature: f, phi: &phi)
        recurse(tree, x, node: cold, path: m, zero: incomingZero * coldShare, one: 0, feature: f, phi: &phi)
    }
}
