/// Layout of vertical bars: categories along the bottom, values up the side.
/// Category labels that do not fit their slot are rotated 45° (or 90° when
/// slots are very narrow, labelling every k-th) and truncated with an ellipsis.
extension BarChart {
    private static let maxRotatedLabel = 150.0
    private static let defaultPlotHeight = 240.0

    func verticalSVG(width w: Double, height: Double?) -> String {
        let pad = SVGCanvas.padding, font = SVGCanvas.fontSize
        let legend = legendItems
        let legendHeight = SVGCanvas.legendHeight(legend, maxWidth: w - 2 * pad)
        // Headroom above the plot for value labels of the tallest bars.
        let headroom = showValues ? 16.0 : 6.0
        let top = SVGCanvas.contentTop + legendHeight + (legendHeight > 0 ? 4 : 0) + headroom
        var scale = valueScale()
        let left = pad + (yLabel.isEmpty ? 0 : SVGCanvas.axisLabelRoom) + SVGCanvas.tickLabelWidth(scale) + 8
        let plotWidth = max(w - left - pad - 4, 40)
        let slot = plotWidth / Double(max(categories.count, 1))

        // Category labels: flat if every one fits its slot, else rotated.
        let widest = categories.map { SVGText.estimatedWidth($0, fontSize: font) }.max() ?? 0
        let rotation: Double? = widest <= slot - 6 ? nil : (slot * 0.7071 >= font + 2 ? -45 : -90)
        let every = rotation == -90 ? max(1, Int(((font + 2) / slot).rounded(.up))) : 1
        let shownWidth = min(widest, Self.maxRotatedLabel)
        let labelExtent: Double
        switch rotation {
        case nil: labelExtent = 18
        case -45: labelExtent = (shownWidth + font) * 0.7071 + 12
        default: labelExtent = shownWidth + 14
        }
        let bottom = pad + labelExtent + (xLabel.isEmpty ? 0 : SVGCanvas.axisLabelRoom)
        let plotHeight = height.map { max($0 - top - bottom, 40) } ?? Self.defaultPlotHeight
        let plot = SVGCanvas.Rect(x: left, y: top, width: plotWidth, height: plotHeight)
        scale.from = plot.maxY
        scale.to = plot.y

        var canvas = SVGCanvas(width: w, height: height ?? (top + plotHeight + bottom), title: title)
        if anySuppressed { canvas.hatchPattern(id: hatchID) }
        canvas.legend(legend, x: pad, y: SVGCanvas.contentTop, maxWidth: w - 2 * pad)
        canvas.leftAxis(scale, plot: plot)

        let barsPerSlot = stacked ? 1 : max(series.count, 1)
        let group = slot * (barsPerSlot == 1 ? 0.64 : 0.8)
        let barWidth = group / Double(barsPerSlot)
        let gap = barWidth > 6 ? 1.0 : 0
        let base = scale(scale.baseline)
        canvas.append("<g class=\"bars\">")
        for c in categories.indices {
            let slotX = plot.x + Double(c) * slot + (slot - group) / 2
            func barX(_ s: Int) -> Double { slotX + (stacked ? 0 : Double(s) * barWidth) + gap / 2 }
            for s in series.indices where isSuppressed(s, c) {
                let tip = stacked ? categories[c] + ": suppressed" : tooltip(s, c)
                canvas.rect(.init(x: barX(s), y: plot.y, width: barWidth - gap, height: plot.height),
                            fill: "url(#\(hatchID))", className: "suppressed", tooltip: tip)
            }
            for seg in segments(c) {
                let y0 = stacked ? scale(seg.from) : base, y1 = scale(seg.to)
                let bar = SVGCanvas.Rect(x: barX(seg.series), y: min(y0, y1), width: barWidth - gap, height: abs(y1 - y0))
                let color = ChartPalette.categorical(seg.series)
                canvas.rect(bar, fill: color, className: "bar", tooltip: tooltip(seg.series, c))
                guard showValues, let v = value(seg.series, c) else { continue }
                let label = format(v)
                let labelWidth = SVGText.estimatedWidth(label, fontSize: font)
                if stacked {
                    if bar.height >= font + 4, labelWidth <= bar.width - 2 {
                        canvas.text(label, x: bar.midX, y: bar.midY + 4, anchor: "middle",
                                    fill: ChartPalette.textColor(on: color), className: "value")
                    }
                } else if labelWidth <= barWidth + (slot - group) * 0.5 {
                    let whisker = interval(seg.series, c)
                    let y = v >= 0 ? scale(max(v, whisker?.upper ?? v)) - 4 : scale(min(v, whisker?.lower ?? v)) + font + 2
                    canvas.text(label, x: bar.midX, y: y, anchor: "middle", halo: true, className: "value")
                }
            }
            for s in series.indices {
                guard let i = interval(s, c) else { continue }
                let x = barX(s) + (barWidth - gap) / 2, cap = min(barWidth * 0.25, 6)
                let (ylo, yhi) = (scale(i.lower), scale(i.upper))
                canvas.append("<path class=\"whisker\" d=\"M\(SVGCanvas.n(x)) \(SVGCanvas.n(ylo))V\(SVGCanvas.n(yhi))"
                    + "M\(SVGCanvas.n(x - cap)) \(SVGCanvas.n(ylo))H\(SVGCanvas.n(x + cap))M\(SVGCanvas.n(x - cap)) \(SVGCanvas.n(yhi))H\(SVGCanvas.n(x + cap))\""
                    + " stroke=\"\(SVGCanvas.axisColor)\" stroke-width=\"1.25\" fill=\"none\"/>")
            }
        }
        canvas.append("</g>")
        canvas.line(plot.x, base, plot.maxX, base, stroke: SVGCanvas.axisColor)

        for c in categories.indices where c % every == 0 {
            let x = plot.x + (Double(c) + 0.5) * slot
            switch rotation {
            case nil:
                canvas.text(categories[c], x: x, y: plot.maxY + 16, anchor: "middle", className: "category")
            case -45:
                // Also keep the label's far end inside the left edge of the image.
                let room = min(Self.maxRotatedLabel, (x - 4) / 0.7071)
                canvas.text(categories[c], x: x + 4, y: plot.maxY + 10, anchor: "end", rotate: -45, maxWidth: room, className: "category")
            default:
                canvas.text(categories[c], x: x + 4, y: plot.maxY + 8, anchor: "end", rotate: -90,
                            maxWidth: Self.maxRotatedLabel, className: "category")
            }
        }

        if let r = referenceLine, r.isFinite, let text = referenceText {
            let y = scale(r)
            canvas.line(plot.x, y, plot.maxX, y, stroke: "#444444", width: 1.5, dash: SVGCanvas.dash, className: "reference")
            canvas.text(text, x: plot.maxX - 2, y: y - 5, anchor: "end", maxWidth: plot.width, halo: true, className: "reference-label")
        }
        canvas.xAxisLabel(xLabel, plot: plot, y: plot.maxY + labelExtent + 20)
        canvas.yAxisLabel(yLabel, plot: plot, x: pad + 10)
        return canvas.finish()
    }
}
