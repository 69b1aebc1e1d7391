/// Legends and point markers. Series differ by more than colour — line dash
/// and marker shape for lines, hatching for suppressed bars — so a chart
/// still reads when printed in greyscale.
extension SVGCanvas {
    /// Point-marker shapes, cycled per series.
    enum Marker {
        case circle, square, triangle, diamond

        static func forSeries(_ index: Int) -> Marker { [.circle, .square, .triangle, .diamond][index % 4] }
    }

    /// What a legend entry shows beside its label.
    enum Swatch {
        case box(fill: String)
        case line(stroke: String, dashed: Bool, marker: Marker?)
    }

    struct LegendItem {
        var label: String
        var swatch: Swatch
    }

    static let legendRowHeight = 18.0
    static let dash = "6 4"

    /// Where each item goes when the legend flows left to right and wraps
    /// within `maxWidth`: its x offset and row.
    private static func legendLayout(_ items: [LegendItem], maxWidth: Double) -> (placed: [(x: Double, row: Int)], rows: Int) {
        var placed: [(x: Double, row: Int)] = []
        var x = 0.0, row = 0
        for item in items {
            let sw = swatchWidth(item.swatch)
            let label = SVGText.truncate(item.label, maxWidth: max(maxWidth - sw - 6, 24), fontSize: fontSize)
            let w = sw + 6 + SVGText.estimatedWidth(label, fontSize: fontSize)
            if x > 0, x + w > maxWidth { x = 0; row += 1 }
            placed.append((x, row))
            x += w + 16
        }
        return (placed, items.isEmpty ? 0 : row + 1)
    }

    /// Height the legend takes (0 when empty).
    static func legendHeight(_ items: [LegendItem], maxWidth: Double) -> Double {
        Double(legendLayout(items, maxWidth: maxWidth).rows) * legendRowHeight
    }

    /// Draws the legend with its top-left corner at (`x`, `y`).
    mutating func legend(_ items: [LegendItem], x: Double, y: Double, maxWidth: Double) {
        guard !items.isEmpty else { return }
        let layout = Self.legendLayout(items, maxWidth: maxWidth)
        append("<g class=\"legend\">")
        for (item, place) in zip(items, layout.placed) {
            let left = x + place.x
            let mid = y + Double(place.row) * Self.legendRowHeight + 9
            switch item.swatch {
            case .box(let fill):
                rect(Rect(x: left, y: mid - 6, width: 12, height: 12), fill: fill, extra: "stroke=\"#555555\" stroke-width=\"0.5\"")
            case .line(let stroke, let dashed, let marker):
                line(left, mid, left + 24, mid, stroke: stroke, width: 2, dash: dashed ? Self.dash : nil)
                if let marker { self.marker(marker, x: left + 12, y: mid, fill: stroke) }
            }
            let sw = Self.swatchWidth(item.swatch)
            text(item.label, x: left + sw + 6, y: mid + 4, maxWidth: max(maxWidth - sw - 6, 24))
        }
        append("</g>")
    }

    /// A point marker about 7 px across centred on (`x`, `y`).
    mutating func marker(_ shape: Marker, x: Double, y: Double, fill: String) {
        let r = 3.5
        let outline = "stroke=\"#ffffff\" stroke-width=\"0.75\""
        switch shape {
        case .circle:
            append("<circle cx=\"\(Self.n(x))\" cy=\"\(Self.n(y))\" r=\"\(Self.n(r))\" fill=\"\(fill)\" \(outline)/>")
        case .square:
            append("<rect x=\"\(Self.n(x - r))\" y=\"\(Self.n(y - r))\" width=\"\(Self.n(2 * r))\" height=\"\(Self.n(2 * r))\" fill=\"\(fill)\" \(outline)/>")
        case .triangle:
            let p = [(x, y - r * 1.2), (x + r * 1.1, y + r * 0.9), (x - r * 1.1, y + r * 0.9)]
            append("<polygon points=\"\(p.map { "\(Self.n($0.0)),\(Self.n($0.1))" }.joined(separator: " "))\" fill=\"\(fill)\" \(outline)/>")
        case .diamond:
            let p = [(x, y - r * 1.3), (x + r * 1.3, y), (x, y + r * 1.3), (x - r * 1.3, y)]
            append("<polygon points=\"\(p.map { "\(Self.n($0.0)),\(Self.n($0.1))" }.joined(separator: " "))\" fill=\"\(fill)\" \(outline)/>")
        }
    }

    private static func swatchWidth(_ swatch: Swatch) -> Double {
        if case .line = swatch { return 24 }
        return 12
    }
}
