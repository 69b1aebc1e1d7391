/// Layout of horizontal bars: categories down the left, values along the
/// bottom. Category labels get up to a third of the width and are truncated
/// with an ellipsis beyond it; the image grows a fixed band per category.
extension BarChart {
    private static let barThickness = 20.0
    private static let groupedThickness = 14.0
    private static let bandGap = 12.0

    func horizontalSVG(width w: Double, height: Double?) -> String {
        let pad = SVGCanvas.padding, font = SVGCanvas.fontSize
        let legend = legendItems
        let legendHeight = SVGCanvas.legendHeight(legend, maxWidth: w - 2 * pad)
        let reference = referenceText
        // A row above the plot for the reference line's label.
        let top = SVGCanvas.contentTop + legendHeight + (legendHeight > 0 ? 4 : 0) + (reference == nil ? 6 : 22)
        var scale = valueScale()

        let widest = categories.map { SVGText.estimatedWidth($0, fontSize: font) }.max() ?? 0
        let labelRoom = min(widest, (w * 0.34).rounded())
        let left = pad + (yLabel.isEmpty ? 0 : SVGCanvas.axisLabelRoom) + labelRoom + 8
        var valueRoom = 0.0
        if showValues, !stacked {
            for c in categories.indices { for s in series.indices { if let v = value(s, c) {
                valueRoom = max(valueRoom, SVGText.estimatedWidth(format(v), fontSize: font) + 6)
            } } }
        }
        let lastTick = SVGText.estimatedWidth(SVGText.number(scale.ticks.last ?? 0, decimals: scale.tickDecimals), fontSize: font)
        let right = pad + max(valueRoom, lastTick / 2)
        let plotWidth = max(w - left - right, 40)
        let bottom = pad + 20 + (xLabel.isEmpty ? 0 : SVGCanvas.axisLabelRoom)

        let barsPerBand = stacked ? 1 : max(series.count, 1)
        let n = Double(max(categories.count, 1))
        var thickness = barsPerBand == 1 ? Self.barThickness : Self.groupedThickness
        var band = thickness * Double(barsPerBand) + Self.bandGap
        if let height {
            band = max((height - top - bottom) / n, 4)
            thickness = band * 0.8 / Double(barsPerBand)
        }
        let plot = SVGCanvas.Rect(x: left, y: top, width: plotWidth, height: band * n)
        scale.from = plot.x
        scale.to = plot.maxX

        var canvas = SVGCanvas(width: w, height: height ?? (top + plot.height + bottom), title: title)
        if anySuppressed { canvas.hatchPattern(id: hatchID) }
        canvas.legend(legend, x: pad, y: SVGCanvas.contentTop, maxWidth: w - 2 * pad)
        canvas.bottomAxis(scale, plot: plot)

        let base = scale(scale.baseline)
        canvas.append("<g class=\"bars\">")
        for c in categories.indices {
            let bandY = plot.y + Double(c) * band + (band - thickness * Double(barsPerBand)) / 2
            func barY(_ s: Int) -> Double { bandY + (stacked ? 0 : Double(s) * thickness) }
            let gap = thickness > 6 ? 1.0 : 0
            for s in series.indices where isSuppressed(s, c) {
                let tip = stacked ? categories[c] + ": suppressed" : tooltip(s, c)
                canvas.rect(.init(x: plot.x, y: barY(s) + gap / 2, width: plot.width, height: thickness - gap),
                            fill: "url(#\(hatchID))", className: "suppressed", tooltip: tip)
            }
            for seg in segments(c) {
                let x0 = stacked ? scale(seg.from) : base, x1 = scale(seg.to)
                let bar = SVGCanvas.Rect(x: min(x0, x1), y: barY(seg.series) + gap / 2, width: abs(x1 - x0), height: thickness - gap)
                let color = ChartPalette.categorical(seg.series)
                canvas.rect(bar, fill: color, className: "bar", tooltip: tooltip(seg.series, c))
                guard showValues, let v = value(seg.series, c) else { continue }
                let label = format(v)
                if stacked {
                    if thickness >= font + 2, SVGText.estimatedWidth(label, fontSize: font) <= bar.width - 4 {
                        canvas.text(label, x: bar.midX, y: bar.midY + 4, anchor: "middle",
                                    fill: ChartPalette.textColor(on: color), className: "value")
                    }
                } else {
                    let whisker = interval(seg.series, c)
                    if v >= 0 {
                        canvas.text(label, x: scale(max(v, whisker?.upper ?? v)) + 4, y: bar.midY + 4, halo: true, className: "value")
                    } else {
                        canvas.text(label, x: scale(min(v, whisker?.lower ?? v)) - 4, y: bar.midY + 4, anchor: "end",
                                    halo: true, className: "value")
                    }
                }
            }
            for s in series.indices {
                guard let i = interval(s, c) else { continue }
                let y = barY(s) + thickness / 2, cap = min(thickness * 0.3, 6)
                let (xlo, xhi) = (scale(i.lower), scale(i.upper))
                canvas.append("<path class=\"whisker\" d=\"M\(SVGCanvas.n(xlo)) \(SVGCanvas.n(y))H\(SVGCanvas.n(xhi))"
                    + "M\(SVGCanvas.n(xlo)) \(SVGCanvas.n(y - cap))V\(SVGCanvas.n(y + cap))M\(SVGCanvas.n(xhi)) \(SVGCanvas.n(y - cap))V\(SVGCanvas.n(y + cap))\""
                    + " stroke=\"\(SVGCanvas.axisColor)\" stroke-width=\"1.25\" fill=\"none\"/>")
            }
            canvas.text(categories[c], x: plot.x - 8, y: plot.y + (Double(c) + 0.5) * band + 4, anchor: "end",
                        maxWidth: labelRoom, className: "category")
        }
        canvas.append("</g>")
        canvas.line(base, plot.y, base, plot.maxY, stroke: SVGCanvas.axisColor)

        if let r = referenceLine, r.isFinite, let text = reference {
            let x = scale(r)
            canvas.line(x, plot.y - 6, x, plot.maxY, stroke: "#444444", width: 1.5, dash: SVGCanvas.dash, className: "reference")
            let shown = SVGText.truncate(text, maxWidth: w - 2 * pad, fontSize: font)
            let half = SVGText.estimatedWidth(shown, fontSize: font) / 2
            let centre = min(max(x, pad + half), w - pad - half)
            canvas.text(text, x: centre, y: plot.y - 10, anchor: "middle", maxWidth: w - 2 * pad, className: "reference-label")
        }
        canvas.xAxisLabel(xLabel, plot: plot, y: plot.maxY + 40)
        canvas.yAxisLabel(yLabel, plot: plot, x: pad + 10)
        return canvas.finish()
    }
}
