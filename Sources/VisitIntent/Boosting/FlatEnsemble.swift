import Foundation

/// An ensemble's trees laid out for prediction: every split of every tree in
/// one contiguous array of 16-byte nodes, every leaf value in another.
///
/// `RegressionTree` keeps a node's fields in six parallel arrays (the layout
/// training and the model file want); walking it read six arrays a node, each
/// access checked, and reaching each tree through the model's array of
/// structs. Here one node is one load, children are global indices, and a
/// negative index `~k` is leaf `k` of `leafValues`. Built once per model, on
/// first use. Scores are bit-identical to summing `RegressionTree.predict`
/// tree by tree (same decisions, same order of additions); the tests check it.
struct FlatEnsemble: Sendable {
    /// `feature` holds the feature index in its low 24 bits and two flags
    /// above; `threshold` is a categorical node's first word in `categoryMasks`
    /// (as its bit pattern) instead of a threshold.
    struct Node {
        var feature: UInt32
        var threshold: Float
        var left: Int32
        var right: Int32
    }
    static let defaultLeftFlag: UInt32 = 1 << 30
    static let categoricalFlag: UInt32 = 1 << 29
    static let featureMask: UInt32 = (1 << 24) - 1

    private(set) var nodes: [Node] = []
    private(set) var leafValues: [Double] = []
    /// Four words per categorical node: the categories (0–255) that go left.
    private(set) var categoryMasks: [UInt64] = []
    /// Each tree's first node, or `~leaf` for a tree that is a single leaf.
    private(set) var roots: [Int32] = []

    init(_ trees: [RegressionTree]) {
        for tree in trees {
            let nodeBase = Int32(nodes.count), leafBase = Int32(leafValues.count)
            func global(_ child: Int32) -> Int32 { child >= 0 ? nodeBase + child : ~(leafBase + ~child) }
            roots.append(tree.splitFeature.isEmpty ? ~leafBase : nodeBase)
            for i in tree.splitFeature.indices {
                precondition(tree.splitFeature[i] >= 0 && UInt32(tree.splitFeature[i]) <= Self.featureMask, "feature index out of range")
                var feature = UInt32(tree.splitFeature[i])
                if tree.defaultLeft[i] { feature |= Self.defaultLeftFlag }
                var threshold = tree.threshold[i]
                if tree.isCategorical[i] {
                    feature |= Self.categoricalFlag
                    threshold = Float(bitPattern: UInt32(categoryMasks.count))
                    let mask = tree.leftCategories[i]
                    categoryMasks += (0..<4).map { $0 < mask.count ? mask[$0] : 0 }
                }
                nodes.append(Node(feature: feature, threshold: threshold, left: global(tree.left[i]), right: global(tree.right[i])))
            }
            leafValues += tree.leafValue
        }
    }

    /// Adds to row `r`'s `scores[r * outputs + t]` (t < `outputs`) the value of each
    /// tree `i < count` for the `rows` rows `stride` floats apart at `x`, tree `i`
    /// going to output `i % outputs`: tree by tree over the rows, so one tree's
    /// nodes stay in the first-level cache while all the rows walk it (a row at a
    /// time through every tree went through the whole ensemble's nodes for each).
    /// Each row still adds its trees in tree order: the same sums, bit for bit.
    func accumulate(_ x: UnsafePointer<Float>, rows: Int, stride d: Int, trees count: Int, outputs: Int, into scores: UnsafeMutablePointer<Double>) {
        nodes.withUnsafeBufferPointer { nodes in
            leafValues.withUnsafeBufferPointer { leaves in
                categoryMasks.withUnsafeBufferPointer { masks in
                    roots.withUnsafeBufferPointer { roots in
                        var t = 0
                        for i in 0..<count {
                            let root = roots[i]
                            for r in 0..<rows {
                                let row = x + r * d
                                var at = root
                                while at >= 0 {
                                    let n = nodes[Int(at)]
                                    let v = row[Int(n.feature & Self.featureMask)]
                                    let defaultLeft = n.feature & Self.defaultLeftFlag != 0
                                    let goLeft: Bool
                                    if n.feature & Self.categoricalFlag == 0 {
                                        goLeft = v <= n.threshold || (v.isNaN && defaultLeft)
                                    } else if let code = Int(exactly: v), code >= 0, code < 256 {
                                        let word = masks[Int(n.threshold.bitPattern) + code >> 6]
                                        goLeft = (word >> UInt64(code & 63)) & 1 == 1
                                    } else {
                                        goLeft = defaultLeft  // NaN, or not a category code
                                    }
                                    at = goLeft ? n.left : n.right
                                }
                                scores[r * outputs + t] += leaves[Int(~at)]
                            }
                            t += 1
                            if t == outputs { t = 0 }
                        }
                    }
                }
            }
        }
    }
}
