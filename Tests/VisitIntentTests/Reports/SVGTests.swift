import Foundation
import Testing
import VisitIntent

/// The report rendering layer: escaping, number and tick formatting, chart
/// geometry read back out of the SVG, and the self-contained HTML page.
@Suite struct SVGTests {
    // MARK: - Reading markup back

    /// Every start tag beginning with `opening`, through its closing `>`.
    func tags(_ markup: String, _ opening: String) -> [String] {
        markup.components(separatedBy: opening).dropFirst().map { opening + String($0.prefix { $0 != ">" }) + ">" }
    }

    /// The value of attribute `name` in a start tag.
    func attribute(_ name: String, _ tag: String) -> String? {
        guard let r = tag.range(of: " \(name)=\"") else { return nil }
        return String(tag[r.upperBound...].prefix { $0 != "\"" })
    }

    /// The content between each `opening…>` and the next `closing`.
    func contents(_ markup: String, _ opening: String, _ closing: String) -> [String] {
        markup.components(separatedBy: opening).dropFirst().map { part in
            let body = part.drop { $0 != ">" }.dropFirst()
            guard let end = body.range(of: closing) else { return String(body) }
            return String(body[..<end.lowerBound])
        }
    }

    func occurrences(_ needle: String, _ haystack: String) -> Int {
        haystack.components(separatedBy: needle).count - 1
    }

    // MARK: - Text and numbers

    @Test func escapingNeutralisesMarkupAndQuotes() {
        let label = "<script>alert(\"x\" & 'y')</script>"
        #expect(SVGText.escape(label) == "&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;")
        #expect(SVGText.escape("plain café") == "plain café")

        let chart = BarChart(title: label, xLabel: label, yLabel: label, categories: [label, "b"],
                             series: [.init(name: label, values: [1, 2]), .init(name: "other", values: [2, 1])])
        let svg = chart.svg()
        #expect(!svg.contains("<script"))
        #expect(svg.contains("&lt;script&gt;"))
        // Attribute values stay well formed: the aria-label holds the escaped title whole.
        let root = tags(svg, "<svg")[0]
        #expect(attribute("aria-label", root) == SVGText.escape(label))
    }

    @Test func numbersUseFixedDecimalsAndNoNegativeZero() {
        #expect(SVGText.number(1234.5678, decimals: 2) == "1234.57")
        #expect(SVGText.number(2, decimals: 3) == "2.000")
        #expect(SVGText.number(-0.001, decimals: 2) == "0.00")
        #expect(SVGText.number(-0.0, decimals: 0) == "0")
        #expect(SVGText.number(-1.5, decimals: 1) == "-1.5")
        #expect(SVGText.number(0.1, decimals: 0) == "0")
    }

    @Test func niceTicksOnTheUnitInterval() {
        let ticks = SVGText.niceTicks(min: 0, max: 1, count: 5)
        #expect(ticks == [0, 0.2, 0.4, 0.6, 0.8, 1])
        #expect(SVGText.tickDecimals(ticks) == 1)
        #expect(ticks.map { SVGText.number($0, decimals: 1) } == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
        #expect(SVGText.niceTicks(min: 0, max: 7, count: 5) == [0, 2, 4, 6, 8])
    }

    @Test(arguments: [(0.0, 7.0), (0.0, 1.0), (-3.2, 14.9), (0.001, 0.0042), (120.0, 9800.0), (-5.0, -1.0), (0.5, 0.5)])
    func niceTicksHaveOneTwoFiveStepsAndCoverTheRange(range: (Double, Double)) {
        let (lo, hi) = range
        let count = 5
        let ticks = SVGText.niceTicks(min: lo, max: hi, count: count)
        #expect(ticks.count >= 2)
        #expect(ticks.count - 1 <= count + 2)
        #expect(ticks.first! <= lo + 1e-12 && ticks.last! >= hi - 1e-12)
        let step = ticks[1] - ticks[0]
        let mantissa = step / pow(10, (log10(step) + 1e-9).rounded(.down))
        #expect([1.0, 2, 5].contains { abs(mantissa - $0) < 1e-6 }, "step \(step)")
        for (a, b) in zip(ticks, ticks.dropFirst()) { #expect(abs((b - a) - step) <= 1e-9 * max(1, abs(step))) }
    }

    // MARK: - Bar chart geometry

    @Test func barLengthsAreProportionalToValues() throws {
        let series = [BarChart.Series(name: "sessions", values: [1, 3])]
        let horizontal = BarChart(title: "Two bars", categories: ["one", "three"], series: series, horizontal: true).svg()
        let widths = try tags(horizontal, "<rect class=\"bar\"").map { try #require(Double(attribute("width", $0) ?? "")) }
        #expect(widths.count == 2)
        #expect(abs(widths[1] / widths[0] - 3) < 1e-3)

        let vertical = BarChart(title: "Two bars", categories: ["one", "three"], series: series).svg()
        let heights = try tags(vertical, "<rect class=\"bar\"").map { try #require(Double(attribute("height", $0) ?? "")) }
        #expect(heights.count == 2)
        #expect(abs(heights[1] / heights[0] - 3) < 1e-3)
    }

    @Test func suppressedValueRendersNoNumber() throws {
        let chart = BarChart(title: "Accuracy by channel", categories: ["Search", "Tiny segment"],
                             series: [.init(name: "Accuracy", values: [0.5, nil], lower: [0.4, 0.1], upper: [0.6, 0.9])],
                             horizontal: true)
        let svg = chart.svg()
        #expect(tags(svg, "<rect class=\"bar\"").count == 1)
        #expect(contents(svg, "<text class=\"value\"", "</text>") == ["0.50"])
        #expect(occurrences("class=\"whisker\"", svg) == 1)
        let suppressed = contents(svg, "<rect class=\"suppressed\"", "</rect>")
        #expect(suppressed.count == 1)
        let mark = try #require(suppressed.first)
        #expect(mark.contains("Tiny segment") && mark.contains("suppressed"))
        #expect(!mark.contains { $0.isNumber })
        // The hatching is explained in the legend even for a single series.
        #expect(svg.contains("Suppressed"))
    }

    @Test func legendOnlyWithSeveralSeries() {
        let one = BarChart(title: "One", categories: ["a"], series: [.init(name: "s", values: [1])]).svg()
        let two = BarChart(title: "Two", categories: ["a"], series: [.init(name: "s", values: [1]), .init(name: "t", values: [2])]).svg()
        #expect(!one.contains("class=\"legend\""))
        #expect(two.contains("class=\"legend\""))
    }

    @Test func longCategoryLabelsAreTruncatedWithFullTextInTitle() {
        let long = "A very long category name that cannot possibly fit under one narrow bar of the chart"
        let svg = BarChart(title: "Long", categories: (0..<12).map { "\(long) \($0)" },
                           series: [.init(name: "s", values: (0..<12).map { Double($0) })]).svg(width: 480)
        let labels = contents(svg, "<text class=\"category\"", "</text>")
        #expect(labels.count == 12)
        for label in labels {
            #expect(label.hasPrefix("<title>\(long)"))
            #expect(label.hasSuffix("…"))
        }
        #expect(svg.contains("rotate(-45") || svg.contains("rotate(-90"))
    }

    // MARK: - Accessibility and determinism of every chart

    @Test func everyChartIsAnAccessibleImageWithItsTitle() {
        let svgs = [
            BarChart(title: "Bars", xLabel: "Channel", yLabel: "Share", categories: ["a", "b"],
                     series: [.init(name: "s", values: [0.2, 0.4])], stacked: true).svg(),
            LineChart(title: "ROC", xLabel: "FPR", yLabel: "TPR",
                      series: [.init(name: "m", points: [(0, 0), (0.2, 0.7), (1, 1)], showMarkers: true),
                               .init(name: "baseline", points: [(0, 0), (1, 1)], dashed: true)],
                      xDomain: 0...1, yDomain: 0...1, diagonal: true).svg(width: 420),
            HeatMap(title: "Confusion", xLabel: "Predicted", yLabel: "Actual", rowLabels: ["x", "y"], columnLabels: ["x", "y"],
                    values: [[0.9, 0.1], [0.2, 0.8]], annotations: [["9", "1"], ["2", "8"]]).svg(),
        ]
        for (svg, title) in zip(svgs, ["Bars", "ROC", "Confusion"]) {
            let root = tags(svg, "<svg")[0]
            #expect(attribute("role", root) == "img")
            #expect(attribute("aria-label", root) == title)
            #expect(svg.contains("<title>\(title)</title>"))
            #expect(attribute("font-family", root) == "DejaVu Sans, Liberation Sans, Arial, sans-serif")
            #expect(!svg.contains("NaN") && !svg.contains("inf"))
        }
        #expect(svgs[1].contains("class=\"legend\"") && svgs[1].contains("class=\"diagonal\""))
        #expect(svgs[1].contains("stroke-dasharray"))
    }

    @Test func chartsRenderIdenticallyAndTheirIdsDependOnContent() {
        func chart(_ last: Double?) -> BarChart {
            BarChart(title: "Same title", categories: ["a", "b"], series: [.init(name: "s", values: [1, nil]), .init(name: "t", values: [2, last])])
        }
        let first = chart(1).svg(), again = chart(1).svg(), other = chart(nil).svg()
        #expect(first == again)
        let ids = [first, other].map { tags($0, "<pattern").compactMap { attribute("id", $0) } }
        #expect(ids[0].count == 1 && ids[1].count == 1)
        #expect(ids[0] != ids[1])
        #expect(first.contains("url(#\(ids[0][0]))"))
        #expect(!first.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
    }

    // MARK: - Heat map

    @Test func heatMapShadesDarkenMonotonicallyWithValue() {
        let steps = (0...10).map { Double($0) / 10 }
        let map = HeatMap(title: "Ramp", rowLabels: ["r"], columnLabels: steps.map { SVGText.number($0, decimals: 1) },
                          values: [steps], annotations: [steps.map { SVGText.number($0, decimals: 1) }])
        let svg = map.svg(cellSize: 40)
        let fills = tags(svg, "<rect class=\"cell\"").compactMap { attribute("fill", $0) }
        #expect(fills.count == steps.count)
        let luminance = fills.map(ChartPalette.relativeLuminance)
        for (a, b) in zip(luminance, luminance.dropFirst()) { #expect(b < a) }
        #expect(fills.first == "#ffffff")
        // Annotations are black on the lightest cell and white on the darkest.
        let colours = tags(svg, "<text class=\"annotation\"").compactMap { attribute("fill", $0) }
        #expect(colours.first == "#000000" && colours.last == "#ffffff")
    }

    // MARK: - HTML page

    func samplePage() -> HTMLDocument {
        var page = HTMLDocument(title: "Intent <model> report", subtitle: "Validation & \"test\" split")
        page.keyFigures([(label: "Accuracy", value: "0.81", detail: "baseline 0.42"), (label: "Macro F1", value: "0.77", detail: "")])
        page.heading("By channel")
        page.paragraph("Segments below the overall accuracy are flagged. <script>alert(1)</script>")
        page.figures([
            BarChart(title: "Accuracy by channel", xLabel: "Accuracy", categories: ["Search", "Email", "Tiny"],
                     series: [.init(name: "Accuracy", values: [0.84, 0.71, nil], lower: [0.8, 0.65, nil], upper: [0.88, 0.77, nil])],
                     horizontal: true, referenceLine: 0.81, referenceLabel: "Overall", domain: 0...1).svg(width: 520),
            LineChart(title: "Reliability", xLabel: "Predicted", yLabel: "Observed",
                      series: [.init(name: "model", points: [(0.1, 0.12), (0.5, 0.46), (0.9, 0.88)], showMarkers: true)],
                      xDomain: 0...1, yDomain: 0...1, diagonal: true, diagonalLabel: "Perfect calibration").svg(width: 400),
        ], captions: ["Whiskers: 95% intervals.", ""])
        page.table(headers: ["Channel", "Sessions", "Accuracy"], rows: [["Search", "1200", "0.84"], ["Email", "310", "0.71"]],
                   numericColumns: [1, 2], highlightRows: [1])
        page.note("Figures for segments under 50 sessions are suppressed.")
        return page
    }

    @Test func pageIsSelfContainedAndDeterministic() {
        let html = samplePage().render()
        #expect(html.hasPrefix("<!doctype html>"))
        #expect(html.contains("<meta charset=\"utf-8\">"))
        #expect(html.contains("<meta name=\"viewport\""))
        #expect(!html.lowercased().contains("<script"))
        #expect(!html.contains("http://") && !html.contains("https://"))
        #expect(occurrences("<html", html) == 1)
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.contains("<title>Intent &lt;model&gt; report</title>"))
        #expect(samplePage().render() == html)
    }

    @Test func flaggedRowsCarryAMarkAndNumericCellsAlignRight() {
        let html = samplePage().render()
        #expect(occurrences("<tr class=\"flagged\">", html) == 1)
        let flagged = contents(html, "<tr class=\"flagged\"", "</tr>")[0]
        #expect(flagged.unicodeScalars.contains("\u{26A0}"))
        #expect(occurrences("<td class=\"num\">", html) == 4)
        #expect(occurrences("<th scope=\"col\" class=\"num\">", html) == 2)
    }
}
