/// A line chart of one or more (x, y) series — ROC curves, reliability
/// diagrams, learning curves. Series differ by colour and, when markers are
/// on, by marker shape; `dashed` adds a third cue that survives greyscale.
///
/// ```swift
/// let roc = LineChart(title: "ROC, one vs rest", xLabel: "False positive rate", yLabel: "True positive rate",
///                     series: [.init(name: "browse", points: [(0, 0), (0.1, 0.6), (1, 1)])],
///                     xDomain: 0...1, yDomain: 0...1, diagonal: true, diagonalLabel: "Chance")
/// let svg = roc.svg(width: 420)
/// ```
///
/// Points are joined in the order given; a non-finite point breaks the line.
/// Lines are clipped to the plot, so an explicit domain may cut them.
public struct LineChart: Sendable {
    /// One named polyline.
    public struct Series: Sendable {
        /// Legend and tooltip name.
        public var name: String
        /// (x, y) pairs, joined in this order.
        public var points: [(Double, Double)]
        /// Draw the line dashed (e.g. a baseline model), a cue that survives greyscale.
        public var dashed: Bool
        /// Mark each point, with a shape that differs per series.
        public var showMarkers: Bool

        /// A solid line without markers unless told otherwise.
        public init(name: String, points: [(Double, Double)], dashed: Bool = false, showMarkers: Bool = false) {
            self.name = name
            self.points = points
            self.dashed = dashed
            self.showMarkers = showMarkers
        }
    }

    /// Heading drawn in the image and its accessible name.
    public var title: String
    /// Label of the x axis ("" for none).
    public var xLabel: String
    /// Label of the y axis ("" for none).
    public var yLabel: String
    /// Series in legend and palette order.
    public var series: [Series]
    /// Fixed x axis; by default nice ticks around the data.
    public var xDomain: ClosedRange<Double>?
    /// Fixed y axis; by default nice ticks around the data.
    public var yDomain: ClosedRange<Double>?
    /// Draw the y = x reference (chance for ROC, perfect calibration for reliability).
    /// With it and no domains, both axes share one range so the diagonal is at 45°.
    public var diagonal: Bool
    /// Legend text for the diagonal; with it the legend is shown even for one series.
    public var diagonalLabel: String?
    /// Prefix for element ids (the clip path); by default a hash of the chart's own markup.
    public var id: String?

    /// Axes fitted to the data and no diagonal unless given.
    public init(title: String, xLabel: String = "", yLabel: String = "", series: [Series],
                xDomain: ClosedRange<Double>? = nil, yDomain: ClosedRange<Double>? = nil,
                diagonal: Bool = false, diagonalLabel: String? = nil, id: String? = nil) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
        self.xDomain = xDomain
        self.yDomain = yDomain
        self.diagonal = diagonal
        self.diagonalLabel = diagonalLabel
        self.id = id
    }

    /// The chart as an `<svg>` element for inline use in HTML. `height`
    /// defaults to a square plot when `diagonal` is set, else 5/8 of `width`.
    public func svg(width: Int = 640, height: Int? = nil) -> String {
        let pad = SVGCanvas.padding, font = SVGCanvas.fontSize
        let w = Double(max(width, 200))
        let (xs, ys) = scales()
        var x = xs, y = ys

        var legend: [SVGCanvas.LegendItem] = []
        if series.count > 1 || diagonalLabel != nil {
            legend = series.indices.map { s in
                .init(label: series[s].name, swatch: .line(stroke: ChartPalette.categorical(s), dashed: series[s].dashed,
                                                           marker: series[s].showMarkers ? .forSeries(s) : nil))
            }
            if diagonal, let label = diagonalLabel { legend.append(.init(label: label, swatch: .line(stroke: "#888888", dashed: true, marker: nil))) }
        }
        let legendHeight = SVGCanvas.legendHeight(legend, maxWidth: w - 2 * pad)
        let top = SVGCanvas.contentTop + legendHeight + (legendHeight > 0 ? 4 : 0) + 8
        let left = pad + (yLabel.isEmpty ? 0 : SVGCanvas.axisLabelRoom) + SVGCanvas.tickLabelWidth(y) + 8
        let lastTick = SVGText.estimatedWidth(SVGText.number(x.ticks.last ?? 0, decimals: x.tickDecimals), fontSize: font)
        let right = pad + max(lastTick / 2, 4)
        let bottom = pad + 20 + (xLabel.isEmpty ? 0 : SVGCanvas.axisLabelRoom)
        let plotWidth = max(w - left - right, 40)
        let plotHeight: Double
        if let height { plotHeight = max(Double(height) - top - bottom, 40) } else if diagonal { plotHeight = plotWidth } else {
            plotHeight = max((w * 0.625).rounded() - top - bottom, 80)
        }
        let plot = SVGCanvas.Rect(x: left, y: top, width: plotWidth, height: plotHeight)
        (x.from, x.to, y.from, y.to) = (plot.x, plot.maxX, plot.maxY, plot.y)

        var canvas = SVGCanvas(width: w, height: height.map(Double.init) ?? (top + plotHeight + bottom), title: title)
        let clip = (id.map(SVGText.escape) ?? SVGCanvas.automaticID) + "-plot"
        canvas.append("<defs><clipPath id=\"\(clip)\"><rect x=\"\(SVGCanvas.n(plot.x))\" y=\"\(SVGCanvas.n(plot.y))\" width=\"\(SVGCanvas.n(plot.width))\" height=\"\(SVGCanvas.n(plot.height))\"/></clipPath></defs>")
        canvas.legend(legend, x: pad, y: SVGCanvas.contentTop, maxWidth: w - 2 * pad)
        canvas.leftAxis(y, plot: plot)
        canvas.bottomAxis(x, plot: plot)

        canvas.append("<g clip-path=\"url(#\(clip))\">")
        if diagonal {
            let lo = max(x.lower, y.lower), hi = min(x.upper, y.upper)
            if lo < hi {
                canvas.line(x(lo), y(lo), x(hi), y(hi), stroke: "#888888", dash: "4 4", className: "diagonal")
            }
        }
        for (s, line) in series.enumerated() {
            let color = ChartPalette.categorical(s)
            var d = "", pen = false
            for (px, py) in line.points {
                guard px.isFinite, py.isFinite else { pen = false; continue }
                d += (pen ? "L" : "M") + SVGCanvas.n(unclamped(x, px)) + " " + SVGCanvas.n(unclamped(y, py))
                pen = true
            }
            if !d.isEmpty {
                canvas.append("<path class=\"series\" d=\"\(d)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\""
                    + " stroke-linejoin=\"round\"" + (line.dashed ? " stroke-dasharray=\"\(SVGCanvas.dash)\"" : "")
                    + "><title>\(SVGText.escape(line.name))</title></path>")
            }
            if line.showMarkers {
                for (px, py) in line.points where px.isFinite && py.isFinite {
                    canvas.marker(.forSeries(s), x: unclamped(x, px), y: unclamped(y, py), fill: color)
                }
            }
        }
        canvas.append("</g>")
        canvas.xAxisLabel(xLabel, plot: plot, y: plot.maxY + 40)
        canvas.yAxisLabel(yLabel, plot: plot, x: pad + 10)
        return canvas.finish()
    }

    /// Pixel position without clamping, so lines leaving the domain keep
    /// their slope up to the clip edge.
    private func unclamped(_ scale: LinearScale, _ v: Double) -> Double {
        scale.from + (v - scale.lower) / (scale.upper - scale.lower) * (scale.to - scale.from)
    }

    /// The two axes, from the explicit domains or the finite data; with
    /// `diagonal` and no domains both cover the union of x and y.
    private func scales() -> (x: LinearScale, y: LinearScale) {
        var xr = (lo: Double.infinity, hi: -Double.infinity), yr = xr
        for line in series {
            for (px, py) in line.points where px.isFinite && py.isFinite {
                xr = (min(xr.lo, px), max(xr.hi, px))
                yr = (min(yr.lo, py), max(yr.hi, py))
            }
        }
        if xr.lo > xr.hi { xr = (0, 1) }
        if yr.lo > yr.hi { yr = (0, 1) }
        if diagonal, xDomain == nil, yDomain == nil {
            let both = (min(xr.lo, yr.lo), max(xr.hi, yr.hi))
            (xr, yr) = (both, both)
        }
        return (LinearScale(dataMin: xr.lo, dataMax: xr.hi, domain: xDomain),
                LinearScale(dataMin: yr.lo, dataMax: yr.hi, domain: yDomain))
    }
}
