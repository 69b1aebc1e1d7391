/// The bins of eight features side by side: one `UInt64` per row and group,
/// feature `8·g + k` in byte `k` of group `g`'s word.
///
/// Why: a leaf's rows are scattered over the data once the tree is a few
/// levels deep. Gathering them column by column reads a whole cache line per
/// row and feature, which made small leaves' histograms 5–10× slower per
/// addition than the root's on the 1M × 64 benchmark. One word per row and
/// group reads eight features' bins with one load (and one prefetch), and the
/// group's eight 256-bin accumulators still fit in the core's L1 cache.
struct BinGroups: Sendable {
    static let width = 8
    let features: Int
    /// Group `g`'s words are `words[g·n ..< (g+1)·n]` for `n` rows.
    let words: [UInt64]

    var count: Int { (features + BinGroups.width - 1) / BinGroups.width }

    /// The features in group `g`.
    func features(ofGroup g: Int) -> Range<Int> {
        (g * BinGroups.width)..<min(features, (g + 1) * BinGroups.width)
    }

    init(_ data: BinnedMatrix, threads: Int) {
        features = data.features
        let n = data.rows, groups = (data.features + BinGroups.width - 1) / BinGroups.width
        var words = [UInt64](repeating: 0, count: n * groups)
        words.withUnsafeMutableBufferPointer { out in
            data.columns.withUnsafeBufferPointer { cols in
                let out = out, features = data.features
                Parallel.forEach(blocks: groups, threads: threads) { g in
                    let first = g * BinGroups.width
                    for k in 0..<min(BinGroups.width, features - first) {
                        let col = cols.baseAddress! + (first + k) * n, dst = out.baseAddress! + g * n
                        let shift = UInt64(8 * k)
                        for r in 0..<n { dst[r] |= UInt64(col[r]) << shift }
                    }
                }
            }
        }
        self.words = words
    }
}
