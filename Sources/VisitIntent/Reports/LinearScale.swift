/// Maps a value domain linearly onto a pixel range, clamping to the domain
/// so out-of-range values are drawn at the edge instead of outside the plot.
struct LinearScale {
    var lower: Double
    var upper: Double
    /// Pixel positions of `lower` and `upper` (`to` < `from` for a y axis).
    var from: Double
    var to: Double
    /// Tick values inside `lower...upper`.
    var ticks: [Double]

    /// An axis for data in `dataMin...dataMax`: the given `domain` if any,
    /// else the span of the nice ticks around the data. Pixel range is set later.
    init(dataMin: Double, dataMax: Double, domain: ClosedRange<Double>?, tickCount: Int = 5) {
        if let d = domain, d.lowerBound.isFinite, d.upperBound.isFinite, d.upperBound > d.lowerBound {
            let span = d.upperBound - d.lowerBound
            var inside = SVGText.niceTicks(min: d.lowerBound, max: d.upperBound, count: tickCount)
                .filter { $0 >= d.lowerBound - 1e-9 * span && $0 <= d.upperBound + 1e-9 * span }
            if inside.count < 2 { inside = [d.lowerBound, d.upperBound] }
            (lower, upper, ticks) = (d.lowerBound, d.upperBound, inside)
        } else {
            let t = SVGText.niceTicks(min: dataMin, max: dataMax, count: tickCount)
            let lo = t.first ?? 0, hi = t.last ?? 1
            (lower, upper, ticks) = (lo, hi > lo ? hi : lo + 1, t)
        }
        (from, to) = (0, 1)
    }

    /// Decimals for this axis's tick labels.
    var tickDecimals: Int { SVGText.tickDecimals(ticks) }

    /// The value bars grow from: zero, or the domain edge nearest to it.
    var baseline: Double { Swift.min(Swift.max(0, lower), upper) }

    func callAsFunction(_ v: Double) -> Double {
        let t = (Swift.min(Swift.max(v, lower), upper) - lower) / (upper - lower)
        return from + t * (to - from)
    }
}
