/// A bar chart of per-category figures — grouped or stacked, vertical or
/// horizontal — with optional confidence-interval whiskers and a dashed
/// reference line such as the overall accuracy.
///
/// A `nil` value is a suppressed figure (e.g. too few sessions to publish).
/// It is drawn as a hatched band across the value axis with no number, never
/// as a zero-length bar that a reader could take for 0; the legend explains
/// the hatching. Non-finite values are treated the same way.
///
/// ```swift
/// let chart = BarChart(title: "Accuracy by channel", xLabel: "Accuracy",
///                      categories: ["Search", "Social", "Email"],
///                      series: [.init(name: "Accuracy", values: [0.81, 0.74, nil],
///                                     lower: [0.78, 0.69, nil], upper: [0.84, 0.79, nil])],
///                      horizontal: true, referenceLine: 0.79, referenceLabel: "Overall", domain: 0...1)
/// let svg = chart.svg(width: 560)
/// ```
///
/// `xLabel` names the horizontal axis and `yLabel` the vertical one as drawn,
/// so for horizontal bars `xLabel` describes the values.
public struct BarChart: Sendable, Equatable {
    /// One named set of values, one per category, with optional interval ends.
    public struct Series: Sendable, Equatable {
        /// Legend and tooltip name.
        public var name: String
        /// One value per category; `nil` marks a suppressed figure.
        public var values: [Double?]
        /// Interval lower ends per category; a whisker is drawn where both ends exist.
        public var lower: [Double?]?
        /// Interval upper ends per category.
        public var upper: [Double?]?

        /// Values without intervals unless `lower` and `upper` are given.
        public init(name: String, values: [Double?], lower: [Double?]? = nil, upper: [Double?]? = nil) {
            self.name = name
            self.values = values
            self.lower = lower
            self.upper = upper
        }
    }

    /// Heading drawn in the image and its accessible name.
    public var title: String
    /// Label of the horizontal axis as drawn ("" for none).
    public var xLabel: String
    /// Label of the vertical axis as drawn ("" for none).
    public var yLabel: String
    /// Category names, in drawing order (top to bottom when horizontal).
    public var categories: [String]
    /// Series in legend and palette order.
    public var series: [Series]
    /// Bars run left to right, categories down the side (suits long names).
    public var horizontal: Bool
    /// Series are stacked within each category (e.g. intent shares per channel).
    /// Whiskers are not drawn; a `nil` segment is left out, and only a category
    /// with no values at all is hatched.
    public var stacked: Bool
    /// A value marked by a dashed line across the plot.
    public var referenceLine: Double?
    /// Text beside the reference line; its value is appended.
    public var referenceLabel: String?
    /// Fixed value axis (e.g. `0...1`); by default nice ticks around the data and 0.
    public var domain: ClosedRange<Double>?
    /// Decimals of value labels, tooltips and the reference value.
    public var valueDecimals: Int
    /// Print each value at its bar end (where it fits); tooltips always carry it.
    public var showValues: Bool
    /// Prefix for element ids (the hatch pattern); by default a hash of the
    /// chart's own markup, which is unique enough for one page.
    public var id: String?

    /// A grouped vertical chart unless told otherwise.
    public init(title: String, xLabel: String = "", yLabel: String = "", categories: [String], series: [Series],
                horizontal: Bool = false, stacked: Bool = false, referenceLine: Double? = nil, referenceLabel: String? = nil,
                domain: ClosedRange<Double>? = nil, valueDecimals: Int = 2, showValues: Bool = true, id: String? = nil) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.categories = categories
        self.series = series
        self.horizontal = horizontal
        self.stacked = stacked
        self.referenceLine = referenceLine
        self.referenceLabel = referenceLabel
        self.domain = domain
        self.valueDecimals = valueDecimals
        self.showValues = showValues
        self.id = id
    }

    /// The chart as an `<svg>` element for inline use in HTML. `height`
    /// defaults to what the content needs: a fixed plot height for vertical
    /// bars, a fixed band per category for horizontal ones.
    public func svg(width: Int = 640, height: Int? = nil) -> String {
        let w = Double(max(width, 200))
        let h = height.map { Double(max($0, 120)) }
        return horizontal ? horizontalSVG(width: w, height: h) : verticalSVG(width: w, height: h)
    }

    // MARK: - Data shared by both orientations

    /// A drawable value: present and finite.
    func value(_ s: Int, _ c: Int) -> Double? {
        guard c < series[s].values.count, let v = series[s].values[c], v.isFinite else { return nil }
        return v
    }

    /// Both ends of the interval of series `s` at category `c`, if drawable.
    func interval(_ s: Int, _ c: Int) -> (lower: Double, upper: Double)? {
        guard !stacked, value(s, c) != nil,
              let lo = series[s].lower, let hi = series[s].upper, c < lo.count, c < hi.count,
              let l = lo[c], let u = hi[c], l.isFinite, u.isFinite else { return nil }
        return (min(l, u), max(l, u))
    }

    /// Start and end of each drawn segment of category `c`, keyed by series; stacked
    /// segments pile up away from zero (negatives downwards).
    func segments(_ c: Int) -> [(series: Int, from: Double, to: Double)] {
        var out: [(series: Int, from: Double, to: Double)] = []
        var positive = 0.0, negative = 0.0
        for s in series.indices {
            guard let v = value(s, c) else { continue }
            if !stacked {
                out.append((s, 0, v))
            } else if v >= 0 {
                out.append((s, positive, positive + v)); positive += v
            } else {
                out.append((s, negative, negative + v)); negative += v
            }
        }
        return out
    }

    /// Whether category `c` of series `s` gets a suppressed mark (for stacks:
    /// the whole category, marked once under series 0).
    func isSuppressed(_ s: Int, _ c: Int) -> Bool {
        if stacked { return s == 0 && series.indices.allSatisfy { value($0, c) == nil } }
        return value(s, c) == nil
    }

    /// The value axis: covers zero, every bar end, whisker and the reference line.
    func valueScale() -> LinearScale {
        var lo = 0.0, hi = 0.0
        for c in categories.indices {
            for seg in segments(c) { lo = min(lo, seg.to); hi = max(hi, seg.to) }
            for s in series.indices { if let i = interval(s, c) { lo = min(lo, i.lower); hi = max(hi, i.upper) } }
        }
        if let r = referenceLine, r.isFinite { lo = min(lo, r); hi = max(hi, r) }
        if lo == hi { hi = lo + 1 }
        return LinearScale(dataMin: lo, dataMax: hi, domain: domain)
    }

    var anySuppressed: Bool {
        categories.indices.contains { c in series.indices.contains { isSuppressed($0, c) } }
    }

    var hatchID: String { (id.map(SVGText.escape) ?? SVGCanvas.automaticID) + "-hatch" }

    /// Series swatches when there are several, plus the hatching when used.
    var legendItems: [SVGCanvas.LegendItem] {
        var items: [SVGCanvas.LegendItem] = []
        if series.count > 1 {
            items = series.indices.map { .init(label: series[$0].name, swatch: .box(fill: ChartPalette.categorical($0))) }
        }
        if anySuppressed { items.append(.init(label: "Suppressed (no value shown)", swatch: .box(fill: "url(#\(hatchID))"))) }
        return items
    }

    func format(_ v: Double) -> String { SVGText.number(v, decimals: valueDecimals) }

    /// Hover text of one bar: category, series (when several), value and interval.
    func tooltip(_ s: Int, _ c: Int) -> String {
        var text = categories[c] + (series.count > 1 ? ", " + series[s].name : "") + ": "
        guard let v = value(s, c) else { return text + "suppressed" }
        text += format(v)
        if let i = interval(s, c) { text += " (" + format(i.lower) + " to " + format(i.upper) + ")" }
        return text
    }

    var referenceText: String? {
        guard let r = referenceLine, r.isFinite else { return nil }
        guard let label = referenceLabel, !label.isEmpty else { return format(r) }
        return label + " " + format(r)
    }
}
