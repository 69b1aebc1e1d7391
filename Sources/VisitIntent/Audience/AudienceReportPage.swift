import Foundation

/// The audience report as a self-contained HTML page (inline SVG, no script)
/// and as Markdown: five questions, each answered by a chart and a table.
public struct AudienceReportPage: Sendable {
    public var report: AudienceReport

    public init(report: AudienceReport) { self.report = report }

    static func pct(_ v: Double?) -> String { v.map { "\(Int(($0 * 100).rounded()))%" } ?? "—" }
    /// A change in percentage points, never "-0".
    static func points(_ v: Double) -> String {
        let p = Int((v * 100).rounded())
        return p == 0 ? "±0 pt" : String(format: "%+d pt", p)
    }

    static func num(_ v: Double?, _ d: Int = 0) -> String { v.map { String(format: "%.\(d)f", $0) } ?? "—" }
    func count(_ v: Int?) -> String { v.map(String.init) ?? "< \(report.minimumVisitors)" }

    /// Stacked intent-mix bars, one per group (suppressed groups hatched).
    func mixChart(_ title: String, _ groups: [AudienceReport.Group], width: Int = 520) -> String {
        let series = report.intents.indices.map { i in BarChart.Series(name: report.intents[i], values: groups.map { $0.intentShares?[i] }) }
        return BarChart(title: title, xLabel: "share of sessions", categories: groups.map(\.label), series: series, horizontal: true, stacked: true,
                        domain: 0...1, showValues: false).svg(width: width)
    }

    func groupRows(_ groups: [AudienceReport.Group]) -> [[String]] {
        groups.map { g in
            [g.label, count(g.visitors), g.sessions.map(String.init) ?? "—"] + report.intents.indices.map { Self.pct(g.intentShares?[$0]) }
                + (report.bookingIntent == nil ? [] : [Self.pct(g.bookerShare)])
        }
    }

    var groupHeaders: [String] {
        ["", "visitors", "sessions"] + report.intents.map { "\($0) %" } + (report.bookingIntent == nil ? [] : ["likely bookers"])
    }

    public func render() -> String {
        let r = report
        let k = r.minimumVisitors
        var doc = HTMLDocument(title: "Who visits, and what they want",
                               subtitle: "\(r.visitors) visitors · \(r.sessions) sessions\(r.from.map { " · from \($0)" } ?? "")\(r.to.map { " to \($0)" } ?? "") · intents \(r.intentSource == "labels" ? "from labels" : "predicted by \(r.model)")")
        doc.paragraph("Every number describes at least \(k) visitors: smaller groups are merged into “other” or shown as “< \(k)”. No visitor identifier, URL query or free text appears here.")
        let numeric = Set(1..<(groupHeaders.count))

        doc.heading("1. Who visits")
        let weekly = r.overTime
        let trend = BarChart(title: "Visitors per \(r.period.rawValue)", xLabel: r.period.rawValue == "week" ? "week starting" : "month", yLabel: "visitors",
                             categories: weekly.map(\.label),
                             series: [BarChart.Series(name: "new and returning visitors", values: weekly.map { $0.visitors.map(Double.init) })], showValues: false)
        doc.figures([trend.svg(width: 500), mixChart("Intent mix per \(r.period.rawValue)", weekly, width: 500)])
        var charts: [String] = []
        for b in r.who where b.groups.count > 1 || b.groups.first?.label != "unknown" {
            charts.append(mixChart("Intent mix by \(b.dimension.replacingOccurrences(of: "_", with: " "))", b.groups, width: 420))
        }
        doc.figures(charts)
        for b in r.who { doc.table(headers: [b.dimension] + groupHeaders.dropFirst(), rows: groupRows(b.groups), numericColumns: numeric, caption: "By \(b.dimension)") }

        doc.heading("2. From where")
        doc.figures(r.fromWhere.map { mixChart("Intent mix by \($0.dimension)", $0.groups) })
        for b in r.fromWhere { doc.table(headers: [b.dimension] + groupHeaders.dropFirst(), rows: groupRows(b.groups), numericColumns: numeric, caption: "By \(b.dimension)") }
        if !r.landingPages.isEmpty {
            doc.table(headers: ["landing page", "sessions", "visitors", "booking intent"], rows: r.landingPages.map { [$0.label, "\($0.sessions)", "\($0.visitors)", Self.pct($0.share)] },
                      numericColumns: [1, 2, 3], caption: "Landing pages ranked by the share of booking intent they bring")
        }

        doc.heading("3. What they read")
        let topics = r.topics.filter { !$0.suppressed }.prefix(12)
        let reads = BarChart(title: "Page views by topic and intent", xLabel: "page views", categories: topics.map(\.label),
                             series: r.intents.indices.map { i in BarChart.Series(name: r.intents[i], values: topics.map { Double($0.pageViews![i]) }) },
                             horizontal: true, stacked: true, showValues: false)
        let kinds = r.pageKinds.filter { !$0.suppressed }
        let kindChart = BarChart(title: "Page views by page kind and intent", xLabel: "page views", categories: kinds.map(\.label),
                                 series: r.intents.indices.map { i in BarChart.Series(name: r.intents[i], values: kinds.map { Double($0.pageViews![i]) }) },
                                 horizontal: true, stacked: true, showValues: false)
        doc.figures([reads.svg(width: 500), kindChart.svg(width: 500)])
        func readingRows(_ list: [AudienceReport.Reading]) -> [[String]] {
            list.map { t in
                [t.label, count(t.visitors)] + r.intents.indices.map { i in t.pageViews.map { "\($0[i])" } ?? "—" }
                    + r.intents.indices.map { i in Self.num(t.meanSeconds?[i] ?? nil) } + [Self.num(t.meanScroll)]
            }
        }
        let readingHeaders = ["", "visitors"] + r.intents.map { "views: \($0)" } + r.intents.map { "s/page: \($0)" } + ["scroll %"]
        doc.table(headers: ["topic"] + readingHeaders.dropFirst(), rows: readingRows(r.topics), numericColumns: Set(1..<readingHeaders.count), caption: "Topics")
        doc.table(headers: ["page kind"] + readingHeaders.dropFirst(), rows: readingRows(r.pageKinds), numericColumns: Set(1..<readingHeaders.count), caption: "Page kinds")
        if !r.pathsBeforeBooking.isEmpty {
            doc.table(headers: ["path of page kinds", "sessions", "visitors"], rows: r.pathsBeforeBooking.map { [$0.label, "\($0.sessions)", "\($0.visitors)"] },
                      numericColumns: [1, 2], caption: "What booking-intent visits read on the way (up to the booking page)")
        }
        if !r.researchExits.isEmpty {
            doc.table(headers: ["page", "sessions", "visitors"], rows: r.researchExits.map { [$0.label, "\($0.sessions)", "\($0.visitors)"] },
                      numericColumns: [1, 2], caption: "Pages where research-intent visitors leave")
        }

        doc.heading("4. Needs over time")
        let shown = Dictionary(grouping: r.needs.filter { $0.intentShares != nil }, by: \.topic).filter { $0.value.count >= 2 }
        let focus = r.intents.firstIndex(of: "research") ?? 0
        let periodsList = Array(Set(r.needs.map(\.period))).sorted()
        if !shown.isEmpty {
            let lines = shown.keys.sorted().prefix(8).map { topic in
                LineChart.Series(name: topic, points: shown[topic]!.compactMap { n in periodsList.firstIndex(of: n.period).map { (Double($0 + 1), n.intentShares![focus]) } }, showMarkers: true)
            }
            doc.figures([LineChart(title: "Share of \(r.intents[focus]) intent by topic", xLabel: "\(r.period.rawValue) (1 = \(periodsList.first ?? ""), \(periodsList.count) = \(periodsList.last ?? ""))",
                                   yLabel: "share of sessions", series: Array(lines), yDomain: 0...1).svg(width: 640)])
        }
        // The latest shown period of each topic, against the one before: the full series is in audience.json.
        let latest = Dictionary(grouping: r.needs.filter { $0.visitors != nil }, by: \.topic).compactMap { $0.value.last }.sorted { ($0.visitors ?? 0, $1.topic) > ($1.visitors ?? 0, $0.topic) }
        doc.table(headers: ["topic", r.period.rawValue, "visitors"] + r.intents.map { "\($0) %" } + r.intents.map { "Δ \($0)" },
                  rows: latest.map { n in
                      [n.topic, n.period, count(n.visitors)] + r.intents.indices.map { Self.pct(n.intentShares?[$0]) }
                          + r.intents.indices.map { i in n.change.map { Self.points($0[i]) } ?? "—" }
                  }, numericColumns: Set(2..<(3 + 2 * r.intents.count)), caption: "Latest \(r.period.rawValue) of each topic and the change from the \(r.period.rawValue) before (in points; — when either has under \(k) visitors)")

        doc.heading("5. What to deliver")
        if r.deliveries.isEmpty {
            doc.paragraph("Give --playbook to see which content each group of visitors would receive.")
        } else {
            let flagged = Set(r.deliveries.indices.filter { r.deliveries[$0].fallback && r.deliveries[$0].visitors != nil })
            doc.paragraph("Each group of visitors (predicted intent × main topic × before/after a consultation) and the content the playbook gives them. ⚠ marks groups that only get the catch-all content: that is where content is missing.")
            doc.table(headers: ["intent", "topic", "stage", "visitors", "content", "link"],
                      rows: r.deliveries.map { [$0.intent, $0.topic, $0.stage, count($0.visitors), $0.content ?? "(none)", $0.url ?? ""] },
                      numericColumns: [3], highlightRows: flagged)
        }
        return doc.render()
    }

    public func markdown() -> String {
        let r = report
        var md = "# Who visits, and what they want\n\n\(r.visitors) visitors, \(r.sessions) sessions; intents \(r.intentSource == "labels" ? "from labels" : "predicted by `\(r.model)`"). Groups under \(r.minimumVisitors) visitors are merged into “other” or shown as “< \(r.minimumVisitors)”.\n"
        func table(_ headers: [String], _ rows: [[String]]) {
            md += "\n| " + headers.joined(separator: " | ") + " |\n|" + headers.map { _ in "---" }.joined(separator: "|") + "|\n"
            for row in rows { md += "| " + row.joined(separator: " | ") + " |\n" }
        }
        md += "\n## 1. Who visits\n"
        table([r.period.rawValue] + groupHeaders.dropFirst(), groupRows(r.overTime))
        for b in r.who { md += "\n### By \(b.dimension)\n"; table([b.dimension] + groupHeaders.dropFirst(), groupRows(b.groups)) }
        md += "\n## 2. From where\n"
        for b in r.fromWhere { md += "\n### By \(b.dimension)\n"; table([b.dimension] + groupHeaders.dropFirst(), groupRows(b.groups)) }
        md += "\n### Landing pages by share of booking intent\n"
        table(["landing page", "sessions", "visitors", "booking intent"], r.landingPages.map { [$0.label, "\($0.sessions)", "\($0.visitors)", Self.pct($0.share)] })
        md += "\n## 3. What they read\n"
        table(["topic", "visitors"] + r.intents.map { "\($0) views" }, r.topics.map { t in [t.label, count(t.visitors)] + r.intents.indices.map { i in t.pageViews.map { "\($0[i])" } ?? "—" } })
        md += "\n### Paths of booking-intent visits\n"
        table(["path", "sessions", "visitors"], r.pathsBeforeBooking.map { [$0.label, "\($0.sessions)", "\($0.visitors)"] })
        md += "\n### Where research-intent visitors leave\n"
        table(["page", "sessions", "visitors"], r.researchExits.map { [$0.label, "\($0.sessions)", "\($0.visitors)"] })
        md += "\n## 4. Needs over time\n"
        table(["topic", r.period.rawValue, "visitors"] + r.intents.map { "\($0) %" },
              r.needs.filter { $0.visitors != nil }.map { n in [n.topic, n.period, count(n.visitors)] + r.intents.indices.map { Self.pct(n.intentShares?[$0]) } })
        md += "\n## 5. What to deliver\n"
        table(["intent", "topic", "stage", "visitors", "content", "missing?"], r.deliveries.map { [$0.intent, $0.topic, $0.stage, count($0.visitors), $0.content ?? "(none)", $0.fallback ? "⚠ catch-all only" : ""] })
        return md
    }
}
