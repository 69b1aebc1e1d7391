import Foundation

/// Accumulates the markup of one chart. It owns the conventions every chart
/// shares — root attributes for accessibility, the title line, axes with
/// grid lines, two-decimal coordinates — so each chart only does layout.
struct SVGCanvas {
    /// A rectangle in pixels (the plot area, a bar, a cell).
    struct Rect {
        var x: Double, y: Double, width: Double, height: Double
        var maxX: Double { x + width }
        var maxY: Double { y + height }
        var midX: Double { x + width / 2 }
        var midY: Double { y + height / 2 }
    }

    static let padding = 12.0
    static let fontSize = 12.0
    static let titleSize = 14.0
    /// Baseline of the title line; content starts below `contentTop`.
    static let titleBaseline = 22.0
    static let contentTop = 36.0
    /// Room taken by a rotated or horizontal axis label (one 12 px line plus gaps).
    static let axisLabelRoom = 24.0
    static let axisColor = "#333333"
    static let gridColor = "#e3e3e3"
    static let textColor = "#222222"

    private(set) var markup: String
    let width: Double
    let height: Double

    /// Opens the `<svg>` element with `role="img"`, an `aria-label` and a
    /// `<title>` child, then draws `title` as the visible heading.
    init(width: Double, height: Double, title: String) {
        self.width = width.rounded(.up)
        self.height = height.rounded(.up)
        let w = SVGText.number(self.width, decimals: 0), h = SVGText.number(self.height, decimals: 0)
        let label = SVGText.escape(title)
        markup = "<svg class=\"chart\" width=\"\(w)\" height=\"\(h)\" viewBox=\"0 0 \(w) \(h)\" role=\"img\" aria-label=\"\(label)\""
            + " font-family=\"\(SVGText.fontFamily)\" font-size=\"12\" fill=\"\(Self.textColor)\">\n"
            + "<title>\(label)</title>\n"
        text(title, x: Self.padding, y: Self.titleBaseline, size: Self.titleSize, bold: true,
             maxWidth: self.width - 2 * Self.padding)
    }

    /// Two-decimal coordinate.
    static func n(_ v: Double) -> String { SVGText.number(v, decimals: 2) }

    mutating func append(_ element: String) { markup += element + "\n" }

    /// Stands in for the element-id prefix until `finish()`, which replaces it
    /// by a hash of the markup: ids are then reproducible, and two different
    /// charts on one page never share one. Escaped text drops control
    /// characters, so user text cannot forge it.
    static let automaticID = "\u{1}id\u{1}"

    /// Closes the element and returns the whole SVG, with `automaticID` resolved.
    func finish() -> String {
        let svg = markup + "</svg>"
        guard svg.contains(Self.automaticID) else { return svg }
        // FNV-1a, 32 bit.
        var hash: UInt32 = 2_166_136_261
        for byte in svg.utf8 { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        let hex = String(hash, radix: 16)
        return svg.replacingOccurrences(of: Self.automaticID, with: "vi-" + String(repeating: "0", count: 8 - hex.count) + hex)
    }

    mutating func rect(_ r: Rect, fill: String, className: String? = nil, extra: String = "", tooltip: String? = nil) {
        var s = "<rect"
        if let className { s += " class=\"\(className)\"" }
        s += " x=\"\(Self.n(r.x))\" y=\"\(Self.n(r.y))\" width=\"\(Self.n(max(r.width, 0)))\" height=\"\(Self.n(max(r.height, 0)))\" fill=\"\(fill)\""
        if !extra.isEmpty { s += " " + extra }
        if let tooltip { s += "><title>\(SVGText.escape(tooltip))</title></rect>" } else { s += "/>" }
        append(s)
    }

    mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String,
                       width: Double = 1, dash: String? = nil, className: String? = nil) {
        var s = "<line"
        if let className { s += " class=\"\(className)\"" }
        s += " x1=\"\(Self.n(x1))\" y1=\"\(Self.n(y1))\" x2=\"\(Self.n(x2))\" y2=\"\(Self.n(y2))\" stroke=\"\(stroke)\""
        if width != 1 { s += " stroke-width=\"\(Self.n(width))\"" }
        if let dash { s += " stroke-dasharray=\"\(dash)\"" }
        append(s + "/>")
    }

    /// A text element. Text wider than `maxWidth` is truncated with an
    /// ellipsis and keeps its full wording in a `<title>` (hover, screen
    /// readers). `halo` paints a white outline so text stays legible over lines.
    mutating func text(_ content: String, x: Double, y: Double, anchor: String = "start", size: Double = fontSize,
                       bold: Bool = false, fill: String? = nil, rotate: Double? = nil, maxWidth: Double? = nil,
                       halo: Bool = false, className: String? = nil) {
        var shown = content
        if let maxWidth { shown = SVGText.truncate(content, maxWidth: max(maxWidth, 0), fontSize: size) }
        var s = "<text"
        if let className { s += " class=\"\(className)\"" }
        s += " x=\"\(Self.n(x))\" y=\"\(Self.n(y))\""
        if anchor != "start" { s += " text-anchor=\"\(anchor)\"" }
        if size != Self.fontSize { s += " font-size=\"\(SVGText.number(size, decimals: 0))\"" }
        if bold { s += " font-weight=\"bold\"" }
        if let fill { s += " fill=\"\(fill)\"" }
        if let rotate { s += " transform=\"rotate(\(Self.n(rotate)) \(Self.n(x)) \(Self.n(y)))\"" }
        if halo { s += " stroke=\"#ffffff\" stroke-width=\"3\" paint-order=\"stroke\" stroke-linejoin=\"round\"" }
        s += ">"
        if shown != content { s += "<title>\(SVGText.escape(content))</title>" }
        append(s + SVGText.escape(shown) + "</text>")
    }

    /// Grid lines and tick labels for a value axis drawn up the left of `plot`.
    mutating func leftAxis(_ scale: LinearScale, plot: Rect) {
        let decimals = scale.tickDecimals
        for t in scale.ticks {
            let y = scale(t)
            line(plot.x, y, plot.maxX, y, stroke: Self.gridColor)
            text(SVGText.number(t, decimals: decimals), x: plot.x - 6, y: y + 4, anchor: "end", className: "tick")
        }
        line(plot.x, plot.y, plot.x, plot.maxY, stroke: Self.axisColor)
    }

    /// Grid lines and tick labels for a value axis drawn along the bottom of `plot`.
    mutating func bottomAxis(_ scale: LinearScale, plot: Rect) {
        let decimals = scale.tickDecimals
        for t in scale.ticks {
            let x = scale(t)
            line(x, plot.y, x, plot.maxY, stroke: Self.gridColor)
            text(SVGText.number(t, decimals: decimals), x: x, y: plot.maxY + 16, anchor: "middle", className: "tick")
        }
        line(plot.x, plot.maxY, plot.maxX, plot.maxY, stroke: Self.axisColor)
    }

    /// Widest tick label of `scale`, for reserving a margin.
    static func tickLabelWidth(_ scale: LinearScale) -> Double {
        let d = scale.tickDecimals
        return scale.ticks.map { SVGText.estimatedWidth(SVGText.number($0, decimals: d), fontSize: fontSize) }.max() ?? 0
    }

    /// The horizontal axis label centred under `plot`, baseline at `y`.
    mutating func xAxisLabel(_ label: String, plot: Rect, y: Double) {
        guard !label.isEmpty else { return }
        text(label, x: plot.midX, y: y, anchor: "middle", maxWidth: width - 2 * Self.padding, className: "axis-label")
    }

    /// The vertical axis label, rotated, centred beside `plot` with its baseline at `x`.
    mutating func yAxisLabel(_ label: String, plot: Rect, x: Double) {
        guard !label.isEmpty else { return }
        text(label, x: x, y: plot.midY, anchor: "middle", rotate: -90, maxWidth: plot.height, className: "axis-label")
    }

    /// A `<pattern>` of diagonal grey lines for suppressed marks; fill with `url(#id)`.
    mutating func hatchPattern(id: String) {
        append("<defs><pattern id=\"\(id)\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">"
            + "<rect width=\"6\" height=\"6\" fill=\"#f5f5f5\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"\(ChartPalette.suppressed)\" stroke-width=\"1.5\"/>"
            + "</pattern></defs>")
    }
}
