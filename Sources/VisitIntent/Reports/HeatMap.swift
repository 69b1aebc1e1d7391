/// A grid of cells shaded by a value in 0...1 on the white → dark-blue scale,
/// each optionally annotated (e.g. a row-normalised confusion matrix showing
/// counts). Annotation text switches to white on dark cells, and the scale's
/// lightness is monotone, so the map also reads in greyscale. A legend bar
/// on the right maps shade to value.
///
/// ```swift
/// let map = HeatMap(title: "Confusion (row share)", xLabel: "Predicted", yLabel: "Actual",
///                   rowLabels: ["browse", "buy"], columnLabels: ["browse", "buy"],
///                   values: [[0.9, 0.1], [0.3, 0.7]], annotations: [["90", "10"], ["3", "7"]])
/// let svg = map.svg(cellSize: 44)
/// ```
///
/// Rows run top to bottom, columns left to right. Missing or NaN values are
/// drawn grey; values outside 0...1 take the colour of the nearer end.
public struct HeatMap: Sendable, Equatable {
    /// Heading drawn in the image and its accessible name.
    public var title: String
    /// Names the columns, shown below the grid.
    public var xLabel: String
    /// Names the rows, shown rotated at the left.
    public var yLabel: String
    /// One label per row; the row count.
    public var rowLabels: [String]
    /// One label per column; the column count.
    public var columnLabels: [String]
    /// `values[row][column]` in 0...1.
    public var values: [[Double]]
    /// `annotations[row][column]`, printed in the cell; empty for none.
    public var annotations: [[String]]
    /// Title of the legend bar (e.g. "Share of actual class").
    public var legendLabel: String

    /// A map without annotations or legend title unless given.
    public init(title: String, xLabel: String = "", yLabel: String = "", rowLabels: [String], columnLabels: [String],
                values: [[Double]], annotations: [[String]] = [], legendLabel: String = "") {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.rowLabels = rowLabels
        self.columnLabels = columnLabels
        self.values = values
        self.annotations = annotations
        self.legendLabel = legendLabel
    }

    private static let maxRowLabel = 160.0
    private static let maxColumnLabel = 130.0
    private static let legendSteps = 20

    /// The map as an `<svg>` element; each cell is `cellSize` pixels square.
    public func svg(cellSize: Int = 48) -> String {
        let pad = SVGCanvas.padding, font = SVGCanvas.fontSize
        let cell = Double(max(cellSize, 12))
        let rows = rowLabels.count, columns = columnLabels.count
        let cellFont = cell < 36 ? 10.0 : font

        let rowRoom = min(rowLabels.map { SVGText.estimatedWidth($0, fontSize: font) }.max() ?? 0, Self.maxRowLabel)
        let widestColumn = columnLabels.map { SVGText.estimatedWidth($0, fontSize: font) }.max() ?? 0
        let rotated = widestColumn > cell - 4
        let columnExtent = rotated ? (min(widestColumn, Self.maxColumnLabel) + font) * 0.7071 + 10 : 18

        let left = pad + (yLabel.isEmpty ? 0 : SVGCanvas.axisLabelRoom) + rowRoom + 8
        let grid = SVGCanvas.Rect(x: left, y: SVGCanvas.contentTop + 6, width: cell * Double(columns), height: cell * Double(rows))
        let legendBar = SVGCanvas.Rect(x: grid.maxX + 20, y: grid.y, width: 12, height: max(grid.height, 120))
        let legendTicks = [0.0, 0.5, 1.0]
        let legendText = legendTicks.map { SVGText.number($0, decimals: 1) }
        let legendWidth = 12 + 6 + (legendText.map { SVGText.estimatedWidth($0, fontSize: font) }.max() ?? 0)
            + (legendLabel.isEmpty ? 0 : SVGCanvas.axisLabelRoom)
        let titleWidth = SVGText.estimatedWidth(title, fontSize: SVGCanvas.titleSize) + 2 * pad
        let width = max(legendBar.x + legendWidth + pad, titleWidth)
        let bottomOfGrid = max(grid.maxY, legendBar.maxY)
        let height = max(grid.maxY + columnExtent + (xLabel.isEmpty ? 0 : SVGCanvas.axisLabelRoom), bottomOfGrid) + pad

        var canvas = SVGCanvas(width: width, height: height, title: title)
        canvas.append("<g class=\"cells\">")
        for r in 0..<rows {
            for c in 0..<columns {
                let v = r < values.count && c < values[r].count ? values[r][c] : .nan
                let note = r < annotations.count && c < annotations[r].count ? annotations[r][c] : ""
                let fill = ChartPalette.sequential(v)
                let box = SVGCanvas.Rect(x: grid.x + Double(c) * cell, y: grid.y + Double(r) * cell, width: cell, height: cell)
                let shown = note.isEmpty ? (v.isNaN ? "no value" : SVGText.number(v, decimals: 2)) : note
                canvas.rect(box, fill: fill, className: "cell", extra: "stroke=\"#ffffff\"",
                            tooltip: rowLabels[r] + " / " + columnLabels[c] + ": " + shown)
                if !note.isEmpty {
                    canvas.text(note, x: box.midX, y: box.midY + cellFont * 0.35, anchor: "middle", size: cellFont,
                                fill: ChartPalette.textColor(on: fill), maxWidth: cell - 4, className: "annotation")
                }
            }
        }
        canvas.append("</g>")

        for r in 0..<rows {
            canvas.text(rowLabels[r], x: grid.x - 8, y: grid.y + (Double(r) + 0.5) * cell + 4, anchor: "end",
                        maxWidth: rowRoom, className: "row-label")
        }
        for c in 0..<columns {
            let x = grid.x + (Double(c) + 0.5) * cell
            if rotated {
                canvas.text(columnLabels[c], x: x + 4, y: grid.maxY + 10, anchor: "end", rotate: -45,
                            maxWidth: min(Self.maxColumnLabel, (x - 4) / 0.7071), className: "column-label")
            } else {
                canvas.text(columnLabels[c], x: x, y: grid.maxY + 16, anchor: "middle", className: "column-label")
            }
        }
        canvas.xAxisLabel(xLabel, plot: grid, y: grid.maxY + columnExtent + 20)
        canvas.yAxisLabel(yLabel, plot: grid, x: pad + 10)

        // Legend: stepped bands (no gradient, so no ids), 1 at the top.
        canvas.append("<g class=\"legend\">")
        let step = legendBar.height / Double(Self.legendSteps)
        for i in 0..<Self.legendSteps {
            let t = (Double(Self.legendSteps - 1 - i) + 0.5) / Double(Self.legendSteps)
            canvas.rect(.init(x: legendBar.x, y: legendBar.y + Double(i) * step, width: legendBar.width, height: step + 0.5),
                        fill: ChartPalette.sequential(t))
        }
        canvas.rect(legendBar, fill: "none", extra: "stroke=\"#888888\" stroke-width=\"0.5\"")
        for (t, label) in zip(legendTicks, legendText) {
            let y = legendBar.maxY - t * legendBar.height
            canvas.line(legendBar.maxX, y, legendBar.maxX + 3, y, stroke: SVGCanvas.axisColor)
            canvas.text(label, x: legendBar.maxX + 6, y: y + 4, className: "tick")
        }
        if !legendLabel.isEmpty {
            canvas.text(legendLabel, x: width - pad - 2, y: legendBar.midY, anchor: "middle", rotate: -90,
                        maxWidth: legendBar.height, className: "axis-label")
        }
        canvas.append("</g>")
        return canvas.finish()
    }
}
