/// A self-contained HTML report, built by appending blocks and rendered to
/// one file that needs nothing else: inline CSS, inline SVG, no JavaScript,
/// no fonts, images or styles fetched from anywhere — so it can be mailed,
/// archived and opened offline, and prints cleanly.
///
/// ```swift
/// var page = HTMLDocument(title: "Intent model", subtitle: "Validation, 12 480 sessions")
/// page.keyFigures([(label: "Accuracy", value: "0.81", detail: "majority baseline 0.42")])
/// page.heading("By channel")
/// page.figures([chart.svg(width: 520)])
/// page.table(headers: ["Channel", "Accuracy"], rows: [["Search", "0.84"], ["Email", "0.71"]],
///            numericColumns: [1], highlightRows: [1])
/// let html = page.render()
/// ```
///
/// All text arguments are escaped. SVG passed to `figures` and markup passed
/// to `raw` are inserted as they are: they must come from trusted code such
/// as the chart types. Rendering is deterministic — no dates, no random ids.
public struct HTMLDocument: Sendable, Equatable {
    /// Page `<title>` and the single `<h1>`.
    public var title: String
    /// A muted line under the title (e.g. model and data set).
    public var subtitle: String?
    /// Rendered blocks in order.
    private var blocks: [String] = []

    /// An empty page with its header.
    public init(title: String, subtitle: String? = nil) {
        self.title = title
        self.subtitle = subtitle
    }

    /// A section heading; `level` is clamped to 2...6 (the title is the only `<h1>`).
    public mutating func heading(_ text: String, level: Int = 2) {
        let h = min(max(level, 2), 6)
        blocks.append("<h\(h)>\(SVGText.escape(text))</h\(h)>")
    }

    /// A paragraph of body text.
    public mutating func paragraph(_ text: String) {
        blocks.append("<p>\(SVGText.escape(text))</p>")
    }

    /// A muted, smaller paragraph for caveats and method notes.
    public mutating func note(_ text: String) {
        blocks.append("<p class=\"note\">\(SVGText.escape(text))</p>")
    }

    /// A row of figures that wraps on narrow screens; `captions[i]`, when
    /// present and non-empty, goes under figure `i`.
    public mutating func figures(_ svgs: [String], captions: [String] = []) {
        guard !svgs.isEmpty else { return }
        var html = "<div class=\"figures\">\n"
        for (i, svg) in svgs.enumerated() {
            html += "<figure>\n" + svg + "\n"
            if i < captions.count, !captions[i].isEmpty { html += "<figcaption>\(SVGText.escape(captions[i]))</figcaption>\n" }
            html += "</figure>\n"
        }
        blocks.append(html + "</div>")
    }

    /// A table with a header row. `numericColumns` are right-aligned with
    /// tabular digits. `highlightRows` (indices into `rows`, e.g. segments
    /// below the overall figure) get a warning background and a ⚠ mark in
    /// their first cell, so the flag survives greyscale printing.
    public mutating func table(headers: [String], rows: [[String]], numericColumns: Set<Int> = [],
                               highlightRows: Set<Int> = [], caption: String? = nil) {
        func cls(_ column: Int) -> String { numericColumns.contains(column) ? " class=\"num\"" : "" }
        var html = "<div class=\"table-wrap\">\n<table>\n"
        if let caption, !caption.isEmpty { html += "<caption>\(SVGText.escape(caption))</caption>\n" }
        if !headers.isEmpty {
            html += "<thead><tr>"
            for (c, h) in headers.enumerated() { html += "<th scope=\"col\"\(cls(c))>\(SVGText.escape(h))</th>" }
            html += "</tr></thead>\n"
        }
        html += "<tbody>\n"
        for (r, row) in rows.enumerated() {
            let flagged = highlightRows.contains(r)
            html += flagged ? "<tr class=\"flagged\">" : "<tr>"
            let cells = row.count < headers.count ? row + Array(repeating: "", count: headers.count - row.count) : row
            for (c, cell) in cells.enumerated() {
                let mark = flagged && c == 0 ? "<span class=\"flag\" aria-hidden=\"true\">⚠\u{FE0E}</span><span class=\"sr-only\">Flagged: </span>" : ""
                html += "<td\(cls(c))>\(mark)\(SVGText.escape(cell))</td>"
            }
            html += "</tr>\n"
        }
        blocks.append(html + "</tbody>\n</table>\n</div>")
    }

    /// Big-number tiles for the headline figures; `detail` may be empty.
    public mutating func keyFigures(_ figures: [(label: String, value: String, detail: String)]) {
        guard !figures.isEmpty else { return }
        var html = "<div class=\"key-figures\">\n"
        for f in figures {
            html += "<div class=\"tile\"><div class=\"label\">\(SVGText.escape(f.label))</div>"
                + "<div class=\"value\">\(SVGText.escape(f.value))</div>"
            if !f.detail.isEmpty { html += "<div class=\"detail\">\(SVGText.escape(f.detail))</div>" }
            html += "</div>\n"
        }
        blocks.append(html + "</div>")
    }

    /// Markup inserted unescaped; for trusted fragments only.
    public mutating func raw(_ html: String) {
        blocks.append(html)
    }

    /// The complete page.
    public func render() -> String {
        var html = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(SVGText.escape(title))</title>
        <style>
        \(Self.css)</style>
        </head>
        <body>
        <main>
        <header>
        <h1>\(SVGText.escape(title))</h1>

        """
        if let subtitle, !subtitle.isEmpty { html += "<p class=\"subtitle\">\(SVGText.escape(subtitle))</p>\n" }
        html += "</header>\n"
        for block in blocks { html += block + "\n" }
        html += "</main>\n</body>\n</html>\n"
        return html
    }

    /// Screen and print styles. Numbers use tabular digits so columns line up;
    /// print keeps backgrounds (flags, heat maps) and avoids splitting figures.
    private static let css = """
    *, *::before, *::after { box-sizing: border-box; }
    html { -webkit-text-size-adjust: 100%; }
    body { margin: 0; background: #ffffff; color: #1f2328;
      font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", "Liberation Sans", Arial, sans-serif; }
    main { max-width: 1100px; margin: 0 auto; padding: 24px 20px 48px; }
    header { border-bottom: 2px solid #0072b2; margin-bottom: 20px; padding-bottom: 8px; }
    h1 { font-size: 1.75rem; line-height: 1.25; margin: 0 0 4px; }
    h2 { font-size: 1.3rem; line-height: 1.3; margin: 32px 0 8px; }
    h3 { font-size: 1.1rem; margin: 24px 0 6px; }
    h4, h5, h6 { font-size: 1rem; margin: 20px 0 4px; }
    p { margin: 8px 0; max-width: 80ch; }
    .subtitle { margin: 0; color: #57606a; }
    .note { font-size: 0.85rem; color: #57606a; }
    .figures { display: flex; flex-wrap: wrap; gap: 16px 24px; align-items: flex-start; margin: 12px 0 20px; }
    figure { margin: 0; max-width: 100%; }
    figure svg { display: block; max-width: 100%; height: auto; }
    figcaption { font-size: 0.85rem; color: #57606a; margin-top: 4px; max-width: 60ch; }
    .table-wrap { overflow-x: auto; margin: 12px 0 20px; }
    table { border-collapse: collapse; font-size: 0.9rem; }
    caption { text-align: left; font-weight: 600; padding-bottom: 6px; }
    th, td { padding: 5px 10px; border-bottom: 1px solid #d8dde3; text-align: left; vertical-align: top; }
    thead th { background: #f0f3f6; border-bottom: 2px solid #57606a; }
    tbody tr:nth-child(even) { background: #f7f8fa; }
    .num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
    tbody tr.flagged { background: #fff0dc; }
    tr.flagged td:first-child { box-shadow: inset 4px 0 0 #d55e00; }
    .flag { font-weight: 700; margin-right: 4px; }
    .sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
    .key-figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(180px, 1fr)); gap: 12px; margin: 12px 0 24px; }
    .tile { border: 1px solid #d8dde3; border-radius: 6px; padding: 10px 14px; background: #fafbfc; }
    .tile .label { font-size: 0.85rem; color: #57606a; }
    .tile .value { font-size: 1.9rem; font-weight: 700; line-height: 1.2; font-variant-numeric: tabular-nums; }
    .tile .detail { font-size: 0.8rem; color: #57606a; }
    @media print {
      body { font-size: 10.5pt; }
      main { max-width: none; padding: 0; }
      h2, h3 { break-after: avoid; }
      figure, .tile, tr { break-inside: avoid; }
      .table-wrap { overflow: visible; }
      * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
    }

    """
}
