/// One regression tree, stored as flat node arrays so prediction is a tight
/// loop over indices (no pointers, no boxes).
///
/// Internal node `i` tests feature `splitFeature[i]`: numeric — go left when
/// `x ≤ threshold[i]`; categorical — go left when the category's bit is set in
/// `leftCategories[i]`. A missing value (NaN, or an unknown category) follows
/// `defaultLeft[i]`. Children `≥ 0` are internal nodes, `< 0` are leaves
/// `~child`. A tree without a split is one leaf.
public struct RegressionTree: Codable, Sendable, Equatable {
    public var splitFeature: [Int32] = []
    public var threshold: [Float] = []
    public var thresholdBin: [UInt8] = []
    public var isCategorical: [Bool] = []
    /// Four 64-bit words (categories 0–255) per node; empty words for numeric nodes.
    public var leftCategories: [[UInt64]] = []
    public var defaultLeft: [Bool] = []
    public var left: [Int32] = []
    public var right: [Int32] = []
    public var gain: [Float] = []
    /// Training rows that reached each internal node (its cover, for TreeSHAP).
    public var nodeCount: [Int32] = []
    public var leafValue: [Double] = [0]
    public var leafCount: [Int32] = [0]

    enum CodingKeys: String, CodingKey {
        case splitFeature = "split_feature", threshold
        case thresholdBin = "threshold_bin"
        case isCategorical = "is_categorical"
        case leftCategories = "left_categories"
        case defaultLeft = "default_left"
        case left, right, gain
        case nodeCount = "node_count"
        case leafValue = "leaf_value"
        case leafCount = "leaf_count"
    }

    public init() {}

    public var leaves: Int { leafValue.count }

    @inline(__always)
    static func categoryIsLeft(_ mask: [UInt64], _ code: Int) -> Bool {
        code >= 0 && code < 256 && (mask[code >> 6] >> UInt64(code & 63)) & 1 == 1
    }

    /// Whether `value` of node `i`'s feature goes left.
    @inline(__always)
    public func goesLeft(node i: Int, value v: Float) -> Bool {
        if v.isNaN { return defaultLeft[i] }
        if isCategorical[i] {
            let code = Int(exactly: v) ?? -1
            if code < 0 || code > 255 { return defaultLeft[i] }
            return RegressionTree.categoryIsLeft(leftCategories[i], code)
        }
        return v <= threshold[i]
    }

    /// The leaf index a raw feature row falls in.
    @inline(__always)
    public func leaf(_ x: UnsafePointer<Float>) -> Int {
        if splitFeature.isEmpty { return 0 }
        var node = 0
        while true {
            let next = goesLeft(node: node, value: x[Int(splitFeature[node])]) ? left[node] : right[node]
            if next < 0 { return Int(~next) }
            node = Int(next)
        }
    }

    @inline(__always)
    public func predict(_ x: UnsafePointer<Float>) -> Double { leafValue[leaf(x)] }

    /// The leaf of row `r` of binned training data.
    @inline(__always)
    func leaf(binned: UnsafePointer<UInt8>, rows: Int, row r: Int) -> Int {
        if splitFeature.isEmpty { return 0 }
        var node = 0
        while true {
            let b = binned[Int(splitFeature[node]) * rows + r]
            let goLeft: Bool
            if b == FeatureBins.missingBin { goLeft = defaultLeft[node] }
            else if isCategorical[node] { goLeft = RegressionTree.categoryIsLeft(leftCategories[node], Int(b)) }
            else { goLeft = b <= thresholdBin[node] }
            let next = goLeft ? left[node] : right[node]
            if next < 0 { return Int(~next) }
            node = Int(next)
        }
    }
}
