/// A stable counting sort by small non-negative integer keys (interned codes,
/// session numbers): linear time, where a comparison sort of every event was
/// most of the sessionizer's cost.
struct CountingSort {
    /// Positions `0..<keys.count` grouped by key, each group in position order.
    let order: [Int32]
    /// Group `k` is `order[starts[k]..<starts[k + 1]]`.
    let starts: [Int]

    /// `keyCount` bounds the keys (all are below it).
    init(keys: [Int32], keyCount: Int) {
        var starts = [Int](repeating: 0, count: keyCount + 1)
        for k in keys { starts[Int(k) + 1] += 1 }
        for k in 0..<keyCount { starts[k + 1] += starts[k] }
        var order = [Int32](repeating: 0, count: keys.count)
        var fill = starts
        for (position, k) in keys.enumerated() {
            order[fill[Int(k)]] = Int32(position)
            fill[Int(k)] += 1
        }
        self.order = order
        self.starts = starts
    }

    /// The positions whose key is `k`.
    func group(_ k: Int) -> Range<Int> { starts[k]..<starts[k + 1] }
}
