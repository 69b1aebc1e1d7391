/// Grows one regression tree leaf-wise from gradients and Hessians over
/// binned features (Ke et al. 2017, "LightGBM: A Highly Efficient Gradient
/// Boosting Decision Tree", §2–3).
///
/// Each leaf keeps a histogram per feature — the sums of `g`, `h` and the row
/// count per bin. The leaf with the largest split gain
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
/// Histograms are built in parallel over features, each feature by one
/// thread, so the sums — and the tree — do not depend on the thread count.
struct HistogramTreeLearner {
    let data: BinnedMatrix
    let bins: FeatureBins
    let config: GradientBoostingConfiguration
    let threads: Int
    /// Each feature's most frequent bin (zero, for sparse counts): histograms
    /// skip it and derive its sums from the leaf's totals, as LightGBM does for
    /// sparse features, which saves most of the work on one-hot and count columns.
    let mostFrequentBin: [UInt8]
    /// Each row's bins other than its features' most frequent ones, as
    /// compressed sparse rows: row `r` owns `sparseFeature/sparseBin[rowStart[r] ..< rowStart[r+1]]`.
    /// Histograms are built from these, so a row costs its non-default values only.
    let rowStart: [Int]
    /// Histogram slot of each stored (feature, bin): the inner loop adds to it directly.
    let sparseSlot: [Int32]
    /// Feature of each histogram slot, to honour a tree's feature subset.
    let slotFeature: [UInt16]
    /// Histogram layout: feature `j` owns slots `offset[j] ..< offset[j + 1]`,
    /// its value bins then one slot for missing values. Sized by the bins each
    /// feature really has, so a leaf's histogram is small when most features are
    /// counts or flags, and subtraction and split finding touch only used slots.
    let offset: [Int]
    static let rowsPerBlock = 16_384

    /// Slot of `bin` of feature `j`.
    @inline(__always) func slot(_ j: Int, _ bin: UInt8) -> Int {
        bin == FeatureBins.missingBin ? offset[j + 1] - 1 : offset[j] + Int(bin)
    }
    var slotCount: Int { offset[data.features] }

    init(data: BinnedMatrix, bins: FeatureBins, config: GradientBoostingConfiguration, threads: Int) {
        self.data = data
        self.bins = bins
        self.config = config
        self.threads = threads
        var offsets = [0]
        for j in 0..<data.features { offsets.append(offsets[j] + bins.binCount(j) + 1) }
        offset = offsets
        var frequent = [UInt8](repeating: 0, count: data.features)
        frequent.withUnsafeMutableBufferPointer { outBuffer in
            data.columns.withUnsafeBufferPointer { cols in
                let out = outBuffer
                Parallel.forEach(blocks: data.features, threads: threads) { j in
                    var counts = [Int](repeating: 0, count: 256)
                    for r in 0..<data.rows { counts[Int(cols[j * data.rows + r])] += 1 }
                    out[j] = UInt8(counts.indices.max { (counts[$0], $1) < (counts[$1], $0) }!)
                }
            }
        }
        mostFrequentBin = frequent
        var starts = [Int](repeating: 0, count: data.rows + 1)
        var slots: [Int32] = []
        data.columns.withUnsafeBufferPointer { cols in
            for r in 0..<data.rows {
                for j in 0..<data.features {
                    let b = cols[j * data.rows + r]
                    if b != frequent[j] { slots.append(Int32(b == FeatureBins.missingBin ? offsets[j + 1] - 1 : offsets[j] + Int(b))) }
                }
                starts[r + 1] = slots.count
            }
        }
        rowStart = starts
        sparseSlot = slots
        var owner = [UInt16](repeating: 0, count: offsets[data.features])
        for j in 0..<data.features { for k in offsets[j]..<offsets[j + 1] { owner[k] = UInt16(j) } }
        slotFeature = owner
    }

    /// Per-feature sums over 256 bins, interleaved `(g, h, count)` so one
    /// update touches one cache line.
    struct Histogram {
        var v: [Double]
        init(slots: Int) { v = [Double](repeating: 0, count: slots * 3) }
        @inline(__always) func g(_ i: Int) -> Double { v[3 * i] }
        @inline(__always) func h(_ i: Int) -> Double { v[3 * i + 1] }
        @inline(__always) func c(_ i: Int) -> Int { Int(v[3 * i + 2]) }
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
        var leftG = 0.0, leftH = 0.0, leftC = 0
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

    /// Sums `g`, `h` and counts per bin for `rows`, row by row over the sparse
    /// rows. Rows are cut into fixed blocks of 16,384, each summed into its own
    /// histogram, and the blocks are added in order: the result does not depend
    /// on the thread count. The most frequent bin of each feature gets the
    /// leaf's totals minus the other bins.
    func build(_ rows: ArraySlice<Int32>, g: [Float], h: [Float], features: [Int], totals: (g: Double, h: Double, c: Int)) -> Histogram {
        let width = slotCount * 3
        let count = rows.count
        let blocks = max(1, (count + HistogramTreeLearner.rowsPerBlock - 1) / HistogramTreeLearner.rowsPerBlock)
        var partial = [Double](repeating: 0, count: blocks * width)
        var allowed = [Bool](repeating: false, count: data.features)
        for j in features { allowed[j] = true }
        let rowIndices = Array(rows)
        let everyFeature = features.count == data.features
        partial.withUnsafeMutableBufferPointer { partialBuffer in
            rowIndices.withUnsafeBufferPointer { rowBuffer in
                rowStart.withUnsafeBufferPointer { startBuffer in
                    sparseSlot.withUnsafeBufferPointer { slotBuffer in
                        slotFeature.withUnsafeBufferPointer { ownerBuffer in
                            g.withUnsafeBufferPointer { gBuffer in
                                h.withUnsafeBufferPointer { hBuffer in
                                    allowed.withUnsafeBufferPointer { allowedBuffer in
                                        let out = partialBuffer, rs = rowBuffer, starts = startBuffer, slots = slotBuffer, owner = ownerBuffer
                                        let gs = gBuffer, hs = hBuffer, ok = allowedBuffer
                                        Parallel.forEach(blocks: blocks, threads: threads) { blk in
                                            let hist = out.baseAddress! + blk * width
                                            let lo = blk * HistogramTreeLearner.rowsPerBlock, hi = min(count, lo + HistogramTreeLearner.rowsPerBlock)
                                            for i in lo..<hi {
                                                let r = Int(rs[i])
                                                let gr = Double(gs[r]), hr = Double(hs[r])
                                                let e0 = starts[r], e1 = starts[r + 1]
                                                if everyFeature {
                                                    for e in e0..<e1 {
                                                        let b = Int(slots[e]) &* 3
                                                        hist[b] += gr
                                                        hist[b &+ 1] += hr
                                                        hist[b &+ 2] += 1
                                                    }
                                                } else {
                                                    for e in e0..<e1 where ok[Int(owner[Int(slots[e])])] {
                                                        let b = Int(slots[e]) &* 3
                                                        hist[b] += gr
                                                        hist[b &+ 1] += hr
                                                        hist[b &+ 2] += 1
                                                    }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        var hist = Histogram(slots: slotCount)
        hist.v.withUnsafeMutableBufferPointer { v in
            partial.withUnsafeBufferPointer { p in
                for blk in 0..<blocks { let base = blk * width; for i in 0..<width { v[i] += p[base + i] } }
                for j in features {
                    var sg = 0.0, sh = 0.0, sc = 0.0
                    for b in offset[j]..<offset[j + 1] { sg += v[3 * b]; sh += v[3 * b + 1]; sc += v[3 * b + 2] }
                    let f = 3 * slot(j, mostFrequentBin[j])
                    v[f] = totals.g - sg
                    v[f + 1] = totals.h - sh
                    v[f + 2] = Double(totals.c) - sc
                }
            }
        }
        return hist
    }

    func bestSplit(_ hist: Histogram, g G: Double, h H: Double, count C: Int, features: [Int]) -> Split {
        var best = Split()
        let lambda = config.lambdaL2
        let parentScore = G * G / (H + lambda)
        let minData = config.minDataInLeaf, minHess = config.minSumHessianInLeaf
        func consider(_ gl: Double, _ hl: Double, _ cl: Int, build: () -> Split) {
            let gr = G - gl, hr = H - hl, cr = C - cl
            guard cl >= minData, cr >= minData, hl >= minHess, hr >= minHess else { return }
            let gain = gl * gl / (hl + lambda) + gr * gr / (hr + lambda) - parentScore
            guard gain > config.minGainToSplit, gain > best.gain else { return }
            var s = build()
            s.gain = gain; s.leftG = gl; s.leftH = hl; s.leftC = cl
            best = s
        }
        for j in features {
            let base = offset[j]
            let missing = offset[j + 1] - 1 - base
            let mg = hist.g(base + missing), mh = hist.h(base + missing), mc = hist.c(base + missing)
            if bins.categorical[j] {
                // Categories with enough rows, ordered by g/(h + smoothing).
                var cats: [(ratio: Double, bin: Int)] = []
                for b in 0..<bins.maxCategories where hist.c(base + b) >= config.minDataPerCategory {
                    cats.append((hist.g(base + b) / (hist.h(base + b) + config.categorySmoothing), b))
                }
                guard cats.count >= 2 else { continue }
                cats.sort { ($0.ratio, $0.bin) < ($1.ratio, $1.bin) }
                let limit = min(config.maxCategoryThreshold, cats.count - 1)
                for order in [cats, Array(cats.reversed())] {
                    var gl = 0.0, hl = 0.0, cl = 0
                    var mask = [UInt64](repeating: 0, count: 4)
                    for k in 0..<limit {
                        let b = order[k].bin
                        gl += hist.g(base + b); hl += hist.h(base + b); cl += hist.c(base + b)
                        mask[b >> 6] |= 1 << UInt64(b & 63)
                        let m = mask
                        consider(gl, hl, cl) { Split(feature: j, categorical: true, mask: m, defaultLeft: false) }
                    }
                }
                continue
            }
            let top = bins.binCount(j) - 1  // last value bin; "≤ t" for t < top leaves something right
            var gl = 0.0, hl = 0.0, cl = 0
            for t in 0..<top {
                let binCount = hist.c(base + t)
                if binCount == 0 { continue }  // the same partition as the previous non-empty bin
                gl += hist.g(base + t); hl += hist.h(base + t); cl += binCount
                if C - cl - mc <= 0 { break }
                // Missing values right, then (if any) left.
                let defaultLeftWhenUnseen = mc == 0 && cl >= C - cl
                consider(gl, hl, cl) { Split(feature: j, thresholdBin: UInt8(t), defaultLeft: defaultLeftWhenUnseen) }
                if mc > 0 {
                    consider(gl + mg, hl + mh, cl + mc) { Split(feature: j, thresholdBin: UInt8(t), defaultLeft: true) }
                }
            }
            // All values on one side, missing values on the other.
            if mc > 0 && mc < C {
                let gv = G - mg, hv = H - mh, cv = C - mc
                consider(gv, hv, cv) { Split(feature: j, thresholdBin: UInt8(top), defaultLeft: false) }
            }
        }
        return best
    }

    /// Whether row `r` goes left under `split`.
    @inline(__always)
    func goesLeft(_ split: Split, row r: Int, columns: UnsafePointer<UInt8>) -> Bool {
        let b = columns[split.feature * data.rows + r]
        if b == FeatureBins.missingBin { return split.defaultLeft }
        if split.categorical { return RegressionTree.categoryIsLeft(split.mask, Int(b)) }
        return b <= split.thresholdBin
    }

    /// Grows a tree on `rows` (indices into the data), using `features`.
    func grow(g: [Float], h: [Float], rows initial: [Int32], features: [Int]) -> RegressionTree {
        var rows = initial
        var scratch = [Int32](repeating: 0, count: rows.count)
        var tree = RegressionTree()
        var gSum = 0.0, hSum = 0.0
        for r in rows { gSum += Double(g[Int(r)]); hSum += Double(h[Int(r)]) }
        var leaves: [Leaf] = []
        var root = Leaf(start: 0, end: rows.count, g: gSum, h: hSum, depth: 0,
                        histogram: build(rows[...], g: g, h: h, features: features, totals: (gSum, hSum, rows.count)))
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
            let split = parent.split
            // Partition the leaf's rows in place: left rows first, order kept.
            var l = parent.start, rCount = 0
            data.columns.withUnsafeBufferPointer { cols in
                for i in parent.start..<parent.end {
                    let r = rows[i]
                    if goesLeft(split, row: Int(r), columns: cols.baseAddress!) { rows[l] = r; l += 1 } else { scratch[rCount] = r; rCount += 1 }
                }
            }
            for k in 0..<rCount { rows[l + k] = scratch[k] }
            let mid = l
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
            // Children: build the smaller histogram, subtract for the larger.
            let leftCount = mid - parent.start, rightCount = parent.end - mid
            let gl = split.leftG, hl = split.leftH
            let smallIsLeft = leftCount <= rightCount
            let small = build(smallIsLeft ? rows[parent.start..<mid] : rows[mid..<parent.end], g: g, h: h, features: features,
                              totals: smallIsLeft ? (gl, hl, leftCount) : (parent.g - gl, parent.h - hl, rightCount))
            parent.histogram.subtract(small)
            let large = parent.histogram
            var leftLeaf = Leaf(start: parent.start, end: mid, g: gl, h: hl, depth: parent.depth + 1,
                                histogram: smallIsLeft ? small : large, parent: node, isLeftChild: true)
            var rightLeaf = Leaf(start: mid, end: parent.end, g: parent.g - gl, h: parent.h - hl, depth: parent.depth + 1,
                                 histogram: smallIsLeft ? large : small, parent: node, isLeftChild: false)
            leftLeaf.split = bestSplit(leftLeaf.histogram, g: leftLeaf.g, h: leftLeaf.h, count: leftCount, features: features)
            rightLeaf.split = bestSplit(rightLeaf.histogram, g: rightLeaf.g, h: rightLeaf.h, count: rightCount, features: features)
            leaves[chosen] = leftLeaf
            leaves.append(rightLeaf)
        }
        // Leaves in final order; point internal nodes at them.
        tree.leafValue = []
        tree.leafCount = []
        for (i, leaf) in leaves.enumerated() {
            tree.leafValue.append(leafValue(leaf.g, leaf.h))
            tree.leafCount.append(Int32(leaf.end - leaf.start))
            if leaf.parent >= 0 {
                if leaf.isLeftChild { tree.left[leaf.parent] = Int32(~i) } else { tree.right[leaf.parent] = Int32(~i) }
            }
        }
        return tree
    }
}
