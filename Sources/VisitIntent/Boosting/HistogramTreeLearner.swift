import CPrefetch

/// Grows one regression tree leaf-wise from gradients and Hessians over
/// binned features (Ke et al. 2017, "LightGBM: A Highly Efficient Gradient
/// Boosting Decision Tree", §2–3).
///
/// Each leaf keeps a histogram per feature — the sums of `g` and `h` per bin.
/// The leaf with the largest split gain
///
///     gain = G_L²/(H_L + λ) + G_R²/(H_R + λ) − G²/(H + λ)
///
/// is split next, until `numLeaves` leaves or no split gains more than
/// `minGainToSplit`. Only the smaller child's histogram is built from its
/// rows; the larger one is the parent's minus it (histogram subtraction).
/// Leaf values are the Newton step `−G/(H + λ)`, times the learning rate.
/// Numeric splits try missing values on each side and keep the better
/// (a learned default direction); categorical splits order categories by
/// `G/(H + smoothing)` and take the best prefix, as LightGBM does.
///
/// Histograms hold no row counts: a bin's count is estimated as its Hessian
/// sum × (leaf rows / leaf Hessian sum), as LightGBM does, so
/// `min_data_in_leaf` and `min_data_per_category` are checked on estimates
/// (exact while Hessians are equal, as in the first round). Counting costs a
/// third read-modify-write per addition, about 20% of histogram time. Node and
/// leaf counts written to the tree are exact (from the row partition).
///
/// Histograms are built from `BinGroups` (eight features' bins in one word
/// per row): each group is summed by one thread over the leaf's rows in order,
/// so the sums — and the tree — do not depend on the thread count. The leaf's
/// gradients are first gathered into one contiguous array ("ordered
/// gradients"), and the group's word for the row 16 rows ahead is
/// prefetched, so the scattered reads of a deep leaf overlap.
struct HistogramTreeLearner {
    let data: BinnedMatrix
    let bins: FeatureBins
    let config: GradientBoostingConfiguration
    let threads: Int
    /// The bins again, eight features per word, for histogram building.
    let groups: BinGroups
    /// Histogram layout: feature `j` owns slots `offset[j] ..< offset[j + 1]`,
    /// its value bins then one slot for missing values. Sized by the bins each
    /// feature really has, so a leaf's histogram is small when most features are
    /// counts or flags, and subtraction and split finding touch only used slots.
    let offset: [Int]
    /// Rows per pass over a thread's groups: the block's gradients (16 bytes
    /// a row) stay in the core's cache while every group reads them.
    static let rowsPerBlock = 8192
    /// How many rows ahead a leaf's next words are prefetched: about 150
    /// cycles of work at eight additions per row (16 and 24 measured alike on
    /// the 1M × 64 benchmark, 96 clearly slower). The partition, with less
    /// work per row, looks 4× as far ahead; the gradient gather twice.
    static let prefetchDistance = 16

    var slotCount: Int { offset[data.features] }

    init(data: BinnedMatrix, bins: FeatureBins, config: GradientBoostingConfiguration, threads: Int) {
        self.data = data
        self.bins = bins
        self.config = config
        self.threads = threads
        var offsets = [0]
        for j in 0..<data.features { offsets.append(offsets[j] + bins.binCount(j) + 1) }
        offset = offsets
        groups = BinGroups(data, threads: threads)
    }

    /// A leaf's sums per histogram slot, interleaved `(g, h)`.
    struct Histogram {
        var v: [Double]
        init(slots: Int) { v = [Double](repeating: 0, count: slots * 2) }
        @inline(__always) func g(_ i: Int) -> Double { v[2 * i] }
        @inline(__always) func h(_ i: Int) -> Double { v[2 * i + 1] }
        mutating func subtract(_ o: Histogram) {
            v.withUnsafeMutableBufferPointer { a in o.v.withUnsafeBufferPointer { b in for i in 0..<a.count { a[i] -= b[i] } } }
        }
    }

    struct Split {
        var gain = -Double.infinity
        var feature = -1
        var thresholdBin: UInt8 = 0
        var categorical = false
        var mask: [UInt64] = []
        var defaultLeft = false
        var leftG = 0.0, leftH = 0.0
        var valid: Bool { feature >= 0 }
    }

    struct Leaf {
        var start: Int, end: Int
        var g: Double, h: Double
        var depth: Int
        var histogram: Histogram
        var split = Split()
        /// Internal-node slot that points to this leaf (−1 for the root), and on which side.
        var parent = -1, isLeftChild = false
    }

    func leafValue(_ g: Double, _ h: Double) -> Double { -g / (h + config.lambdaL2) * config.learningRate }

    /// Sums `g` and `h` per bin over `rows`, whose gradients are
    /// `ordered[i]` = (g, h) of `rows[i]`. `rows == nil` means every row in
    /// order (the root without bagging), read without indirection.
    ///
    /// The groups holding a wanted feature are dealt to threads in turn; a
    /// thread walks the rows in blocks and, per block, each of its groups into
    /// private 256-bin accumulators (one per feature of the group), then writes
    /// the wanted features' slots.
    func build(rows: UnsafePointer<Int32>?, count m: Int, ordered: UnsafePointer<SIMD2<Double>>, features: [Int]) -> Histogram {
        var hist = Histogram(slots: slotCount)
        var wanted = [Bool](repeating: false, count: data.features)
        for j in features { wanted[j] = true }
        let active = (0..<groups.count).filter { g in groups.features(ofGroup: g).contains { wanted[$0] } }
        let workers = max(1, min(threads, active.count))
        hist.v.withUnsafeMutableBufferPointer { histBuffer in
            groups.words.withUnsafeBufferPointer { wordBuffer in
                let out = histBuffer.baseAddress!, words = wordBuffer.baseAddress!
                Parallel.forEach(blocks: workers, threads: workers) { w in
                    let mine = Array(stride(from: w, to: active.count, by: workers).map { active[$0] })
                    groupWise(rows: rows, count: m, ordered: ordered, mine: mine, wanted: wanted, words: words, out: out)
                }
            }
        }
        return hist
    }

    /// Sums this thread's groups (`mine`) over the leaf's rows, in blocks of
    /// rows so the block's gradients stay in cache; then writes the wanted
    /// features' slots of `out`.
    private func groupWise(rows: UnsafePointer<Int32>?, count m: Int, ordered: UnsafePointer<SIMD2<Double>>, mine: [Int],
                           wanted: [Bool], words: UnsafePointer<UInt64>, out: UnsafeMutablePointer<Double>) {
        let n = data.rows, perGroup = BinGroups.width * 256, ahead = HistogramTreeLearner.prefetchDistance
        let sums = UnsafeMutablePointer<SIMD2<Double>>.allocate(capacity: mine.count * perGroup)
        sums.initialize(repeating: .zero, count: mine.count * perGroup)
        defer { sums.deallocate() }
        /// Adds one row's (g, h) to the bin of each of the group's eight features.
        @inline(__always) func add(_ word: UInt64, _ gh: SIMD2<Double>, _ s: UnsafeMutablePointer<SIMD2<Double>>) {
            var w = word, lane = 0
            while lane < perGroup {
                let b = lane &+ Int(truncatingIfNeeded: w & 0xFF)
                s[b] += gh
                w &>>= 8
                lane &+= 256
            }
        }
        var lo = 0
        while lo < m {
            let hi = min(m, lo + HistogramTreeLearner.rowsPerBlock)
            for (k, g) in mine.enumerated() {
                let word = words + g * n, s = sums + k * perGroup
                if let rows {
                    for i in lo..<hi {
                        if i &+ ahead < m { cprefetch_read(word + Int(rows[i &+ ahead])) }
                        add(word[Int(rows[i])], ordered[i], s)
                    }
                } else {
                    for i in lo..<hi { add(word[i], ordered[i], s) }
                }
            }
            lo = hi
        }
        for (k, g) in mine.enumerated() {
            for j in groups.features(ofGroup: g) where wanted[j] {
                let lane = (j - g * BinGroups.width) * 256
                let s = sums + k * perGroup + lane
                let missingSlot = offset[j + 1] - 1
                for slot in offset[j]...missingSlot {
                    let b = slot == missingSlot ? Int(FeatureBins.missingBin) : slot - offset[j]
                    out[2 * slot] = s[b].x; out[2 * slot + 1] = s[b].y
                }
            }
        }
    }

    /// The best split of a leaf with sums `G`, `H` over `C` rows. Counts on
    /// either side are estimated from Hessian sums (see the type's notes).
    func bestSplit(_ hist: Histogram, g G: Double, h H: Double, count C: Int, features: [Int]) -> Split {
        var best = Split()
        let lambda = config.lambdaL2
        let parentScore = G * G / (H + lambda)
        let minData = config.minDataInLeaf, minHess = config.minSumHessianInLeaf
        let rowsPerHessian = H > 0 ? Double(C) / H : 0
        /// Rounded to nearest (`Int(x + 0.5)` for x ≥ 0: no libm call on generic x86-64).
        @inline(__always) func rows(_ h: Double) -> Int { let x = h * rowsPerHessian; return x > 0 ? Int(x + 0.5) : 0 }
        func consider(_ gl: Double, _ hl: Double, _ cl: Int, build: () -> Split) {
            let gr = G - gl, hr = H - hl, cr = C - cl
            guard cl >= minData, cr >= minData, hl >= minHess, hr >= minHess else { return }
            let gain = gl * gl / (hl + lambda) + gr * gr / (hr + lambda) - parentScore
            guard gain > config.minGainToSplit, gain > best.gain else { return }
            var s = build()
            s.gain = gain; s.leftG = gl; s.leftH = hl
            best = s
        }
        for j in features {
            let base = offset[j]
            let missing = offset[j + 1] - 1 - base
            let mg = hist.g(base + missing), mh = hist.h(base + missing), mc = rows(mh)
            if bins.categorical[j] {
                // Categories with enough rows, ordered by g/(h + smoothing).
                var cats: [(ratio: Double, bin: Int)] = []
                for b in 0..<bins.maxCategories where rows(hist.h(base + b)) >= config.minDataPerCategory {
                    cats.append((hist.g(base + b) / (hist.h(base + b) + config.categorySmoothing), b))
                }
                guard cats.count >= 2 else { continue }
                cats.sort { ($0.ratio, $0.bin) < ($1.ratio, $1.bin) }
                let limit = min(config.maxCategoryThreshold, cats.count - 1)
                for order in [cats, Array(cats.reversed())] {
                    var gl = 0.0, hl = 0.0
                    var mask = [UInt64](repeating: 0, count: 4)
                    for k in 0..<limit {
                        let b = order[k].bin
                        gl += hist.g(base + b); hl += hist.h(base + b)
                        mask[b >> 6] |= 1 << UInt64(b & 63)
                        let m = mask
                        consider(gl, hl, rows(hl)) { Split(feature: j, categorical: true, mask: m, defaultLeft: false) }
                    }
                }
                continue
            }
            let top = bins.binCount(j) - 1  // last value bin; "≤ t" for t < top leaves something right
            var gl = 0.0, hl = 0.0
            for t in 0..<top {
                let binG = hist.g(base + t), binH = hist.h(base + t)
                gl += binG; hl += binH
                // An empty bin gives the previous bin's partition: keep the lower bound. (Only
                // a really empty one: a bin of confidently predicted rows has a tiny Hessian
                // but may carry the large gradients boosting must fix.)
                if binH == 0 && binG == 0 { continue }
                let cl = rows(hl)
                if C - cl - mc <= 0 { break }
                // Missing values right, then (if any) left. With no missing rows estimated
                // (there may be a few of tiny Hessian), missing values follow the larger side,
                // in the partition as at prediction, so their sums go with that side.
                if mc == 0 && cl >= C - cl {
                    consider(gl + mg, hl + mh, cl) { Split(feature: j, thresholdBin: UInt8(t), defaultLeft: true) }
                } else {
                    consider(gl, hl, cl) { Split(feature: j, thresholdBin: UInt8(t), defaultLeft: false) }
                }
                if mc > 0 {
                    consider(gl + mg, hl + mh, rows(hl + mh)) { Split(feature: j, thresholdBin: UInt8(t), defaultLeft: true) }
                }
            }
            // All values on one side, missing values on the other.
            if mc > 0 && mc < C {
                consider(G - mg, H - mh, C - mc) { Split(feature: j, thresholdBin: UInt8(top), defaultLeft: false) }
            }
        }
        return best
    }

    /// Each bin's side under `split`, 1 for left: one table lookup per row
    /// instead of a branch per kind of split, and counts that advance by
    /// arithmetic rather than by a branch the data makes unpredictable.
    func sideTable(_ split: Split) -> [Int] {
        (0..<256).map { b in
            let left: Bool
            if b == Int(FeatureBins.missingBin) { left = split.defaultLeft }
            else if split.categorical { left = RegressionTree.categoryIsLeft(split.mask, b) }
            else { left = b <= Int(split.thresholdBin) }
            return left ? 1 : 0
        }
    }

    /// Moves the rows of `range` that go left under `split` to its front, both
    /// sides keeping their order, and returns where the right side starts.
    /// Ranges of 16,384 rows or more are cut into two chunks partitioned at
    /// once; the result is the same as one pass. Left rows are written in
    /// place (never ahead of the row being read), right rows to `scratch`,
    /// then moved back in bulk.
    func partition(_ rows: inout [Int32], _ range: Range<Int>, by split: Split, scratch: inout [Int32]) -> Int {
        let side = sideTable(split)
        let chunks = range.count >= 16_384 ? 2 : 1
        let cut = (0...chunks).map { range.lowerBound + range.count * $0 / chunks }
        var leftCount = [Int](repeating: 0, count: chunks)
        let n = data.rows
        data.columns.withUnsafeBufferPointer { cols in
            rows.withUnsafeMutableBufferPointer { rowBuffer in
                scratch.withUnsafeMutableBufferPointer { scratchBuffer in
                    side.withUnsafeBufferPointer { sideBuffer in
                        leftCount.withUnsafeMutableBufferPointer { countBuffer in
                            let rs = rowBuffer.baseAddress!, rights = scratchBuffer.baseAddress!, goes = sideBuffer, counts = countBuffer
                            let col = cols.baseAddress! + split.feature * n
                            Parallel.forEach(blocks: chunks, threads: threads) { c in
                                var l = cut[c], r = cut[c]
                                let end = cut[c + 1], ahead = HistogramTreeLearner.prefetchDistance * 4
                                for i in cut[c]..<end {
                                    if i &+ ahead < end { cprefetch_read(col + Int(rs[i &+ ahead])) }
                                    let row = rs[i]
                                    let isLeft = goes[Int(col[Int(row)])]
                                    rs[l] = row; rights[r] = row
                                    l &+= isLeft; r &+= 1 &- isLeft
                                }
                                counts[c] = l - cut[c]
                            }
                            // Left rows of every chunk, then right rows, chunk by chunk.
                            var at = range.lowerBound + counts[0]
                            for c in 1..<chunks where counts[c] > 0 {
                                // Moves down, so a forward copy is safe where the ranges overlap.
                                for k in 0..<counts[c] { rs[at + k] = rs[cut[c] + k] }
                                at += counts[c]
                            }
                            for c in 0..<chunks {
                                let rightRows = cut[c + 1] - cut[c] - counts[c]
                                (rs + at).update(from: rights + cut[c], count: rightRows)
                                at += rightRows
                            }
                        }
                    }
                }
            }
        }
        return range.lowerBound + leftCount.reduce(0, +)
    }

    /// A grown tree and where its training rows ended: leaf `i` holds
    /// `rows[leafRange[i]]`, so the caller can move those rows' scores without
    /// walking the tree.
    struct Grown {
        var tree: RegressionTree
        var rows: [Int32]
        var leafRange: [Range<Int>]
    }

    /// Grows a tree on `rows` (indices into the data, ascending), using `features`.
    func grow(g: [Float], h: [Float], rows initial: [Int32], features: [Int]) -> Grown {
        var rows = initial
        let everyRow = rows.count == data.rows
        var scratch = [Int32](repeating: 0, count: rows.count)
        var ordered = [SIMD2<Double>](repeating: .zero, count: rows.count)
        var tree = RegressionTree()
        // Root sums from fixed blocks added in block order: the same for any thread count.
        let sumBlocks = (rows.count + 65_535) / 65_536
        var partial = [SIMD2<Double>](repeating: .zero, count: sumBlocks)
        partial.withUnsafeMutableBufferPointer { out in
            rows.withUnsafeBufferPointer { rs in
                Parallel.forEach(blocks: sumBlocks, threads: threads) { b in
                    var s = SIMD2<Double>.zero
                    for i in (b * 65_536)..<min(rs.count, (b + 1) * 65_536) { let r = Int(rs[i]); s += SIMD2(Double(g[r]), Double(h[r])) }
                    out[b] = s
                }
            }
        }
        let rootSums = partial.reduce(SIMD2<Double>.zero, +)
        let gSum = rootSums.x, hSum = rootSums.y
        /// The histogram of `rows[range]`, from their gathered gradients.
        func histogram(_ range: Range<Int>, identity: Bool = false) -> Histogram {
            ordered.withUnsafeMutableBufferPointer { o in
                rows.withUnsafeBufferPointer { rs in
                    let blocks = (range.count + 65_535) / 65_536
                    g.withUnsafeBufferPointer { gs in
                        h.withUnsafeBufferPointer { hs in
                            Parallel.forEach(blocks: blocks, threads: threads) { b in
                                let end = min(range.count, (b + 1) * 65_536), ahead = HistogramTreeLearner.prefetchDistance * 2
                                for k in (b * 65_536)..<end {
                                    if !identity && k &+ ahead < end {
                                        let next = Int(rs[range.lowerBound &+ k &+ ahead])
                                        cprefetch_read(gs.baseAddress! + next); cprefetch_read(hs.baseAddress! + next)
                                    }
                                    let r = Int(rs[range.lowerBound + k]); o[k] = SIMD2(Double(gs[r]), Double(hs[r]))
                                }
                            }
                        }
                    }
                    return build(rows: identity ? nil : rs.baseAddress! + range.lowerBound, count: range.count,
                                 ordered: o.baseAddress!, features: features)
                }
            }
        }
        var leaves: [Leaf] = []
        var root = Leaf(start: 0, end: rows.count, g: gSum, h: hSum, depth: 0,
                        histogram: histogram(0..<rows.count, identity: everyRow))
        root.split = bestSplit(root.histogram, g: gSum, h: hSum, count: rows.count, features: features)
        leaves.append(root)
        let depthLimit = config.maxDepth > 0 ? config.maxDepth : Int.max
        while leaves.count < config.numLeaves {
            // The splittable leaf with the largest gain (ties: the earliest leaf).
            var chosen = -1
            for (i, leaf) in leaves.enumerated() where leaf.split.valid && leaf.depth < depthLimit {
                if chosen < 0 || leaf.split.gain > leaves[chosen].split.gain { chosen = i }
            }
            if chosen < 0 { break }
            var parent = leaves[chosen]
            leaves[chosen].histogram.v = []  // the parent's copy becomes the larger child's, without a copy
            let split = parent.split
            // Partition the leaf's rows in place: left rows first, order kept.
            let mid = partition(&rows, parent.start..<parent.end, by: split, scratch: &scratch)
            // New internal node.
            let node = tree.splitFeature.count
            tree.splitFeature.append(Int32(split.feature))
            tree.thresholdBin.append(split.thresholdBin)
            tree.threshold.append(split.categorical ? 0 : (Int(split.thresholdBin) < bins.bounds[split.feature].count ? bins.bounds[split.feature][Int(split.thresholdBin)] : Float.infinity))
            tree.isCategorical.append(split.categorical)
            tree.leftCategories.append(split.categorical ? split.mask : [])
            tree.defaultLeft.append(split.defaultLeft)
            tree.left.append(0); tree.right.append(0)
            tree.gain.append(Float(split.gain))
            tree.nodeCount.append(Int32(parent.end - parent.start))
            if parent.parent >= 0 {
                if parent.isLeftChild { tree.left[parent.parent] = Int32(node) } else { tree.right[parent.parent] = Int32(node) }
            }
            let leftCount = mid - parent.start, rightCount = parent.end - mid
            let gl = split.leftG, hl = split.leftH
            var leftLeaf = Leaf(start: parent.start, end: mid, g: gl, h: hl, depth: parent.depth + 1,
                                histogram: Histogram(slots: 0), parent: node, isLeftChild: true)
            var rightLeaf = Leaf(start: mid, end: parent.end, g: parent.g - gl, h: parent.h - hl, depth: parent.depth + 1,
                                 histogram: Histogram(slots: 0), parent: node, isLeftChild: false)
            // Children: build the smaller histogram, subtract for the larger —
            // unless neither child can split again (the tree is full, or both
            // are too shallow in rows or too deep), as LightGBM skips them too.
            let full = leaves.count + 1 >= config.numLeaves
            let splittable = { (rows: Int, depth: Int) in rows >= 2 * config.minDataInLeaf && depth < depthLimit }
            if !full && (splittable(leftCount, leftLeaf.depth) || splittable(rightCount, rightLeaf.depth)) {
                let smallIsLeft = leftCount <= rightCount
                let small = histogram(smallIsLeft ? parent.start..<mid : mid..<parent.end)
                parent.histogram.subtract(small)
                leftLeaf.histogram = smallIsLeft ? small : parent.histogram
                rightLeaf.histogram = smallIsLeft ? parent.histogram : small
                leftLeaf.split = bestSplit(leftLeaf.histogram, g: leftLeaf.g, h: leftLeaf.h, count: leftCount, features: features)
                rightLeaf.split = bestSplit(rightLeaf.histogram, g: rightLeaf.g, h: rightLeaf.h, count: rightCount, features: features)
            }
            leaves[chosen] = leftLeaf
            leaves.append(rightLeaf)
        }
        // Leaves in final order; point internal nodes at them.
        tree.leafValue = []
        tree.leafCount = []
        var ranges: [Range<Int>] = []
        for (i, leaf) in leaves.enumerated() {
            ranges.append(leaf.start..<leaf.end)
            tree.leafValue.append(leafValue(leaf.g, leaf.h))
            tree.leafCount.append(Int32(leaf.end - leaf.start))
            if leaf.parent >= 0 {
                if leaf.isLeftChild { tree.left[leaf.parent] = Int32(~i) } else { tree.right[leaf.parent] = Int32(~i) }
            }
        }
        return Grown(tree: tree, rows: rows, leafRange: ranges)
    }
}
