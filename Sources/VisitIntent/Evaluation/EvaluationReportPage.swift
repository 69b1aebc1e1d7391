import Foundation

/// The evaluation report as a self-contained HTML page (inline CSS and SVG,
/// no script, no network): headline figures with intervals next to the
/// baseline, confusion heat maps, ROC and precision–recall curves, a
/// reliability diagram, accuracy per segment with intervals and flags, the
/// early-prediction curve and what the model relies on — for one model or
/// several side by side.
public struct EvaluationReportPage: Sendable {
    public var evaluations: [Evaluation]

    public init(evaluations: [Evaluation]) { self.evaluations = evaluations }

    static func f(_ v: Double?, _ digits: Int = 3) -> String { Evaluation.f(v, digits) }
    static func withInterval(_ v: Double?, _ i: Interval?, _ digits: Int = 3) -> String { Evaluation.f(v, i, digits) }

    public func render() -> String {
        guard let first = evaluations.first else { return HTMLDocument(title: "Evaluation report").render() }
        let names = evaluations.map(\.model).joined(separator: ", ")
        var doc = HTMLDocument(title: "Evaluation report",
                               subtitle: "\(names) · \(first.overall.sessions) labelled sessions (\(first.prefix)) · classes: \(first.classes.joined(separator: ", "))")
        let ci = first.intervals.map { "Brackets give \(Int($0.level * 100))% bootstrap intervals (\($0.replicates) resamples of \($0.unit)s)." } ?? ""
        doc.paragraph("How far to trust the intent scores: overall, for which visitors, and how early in a visit. \(ci) The baseline always predicts the most frequent class.")
        if evaluations.count > 1 { comparison(&doc) }
        for e in evaluations { section(&doc, e, heading: evaluations.count > 1 ? "Model \(e.model)" : nil) }
        doc.heading("Definitions and privacy")
        doc.note("Accuracy: share of sessions whose most probable intent is the true one. Macro-F1: mean F1 over intents, so rare intents count as much as common ones. Log loss: mean −log of the probability given to the true intent (lower is better). ROC AUC: probability that a session of the intent scores above one that is not. Expected calibration error: mean gap between confidence and accuracy over confidence bins.")
        doc.note("Segments with fewer than \(first.segments.first?.minimumSessions ?? 10) sessions or visitors are suppressed everywhere (shown as “< k”), together with the next smallest when needed, so that no figure singles out a small group. No visitor identifier appears in this report.")
        return doc.render()
    }

    private func comparison(_ doc: inout HTMLDocument) {
        doc.heading("Models side by side")
        let rows = evaluations.map { e -> [String] in
            [e.model, e.modelKind, Self.withInterval(e.overall.accuracy, e.intervals?.accuracy), Self.withInterval(e.overall.macroF1, e.intervals?.macroF1),
             Self.withInterval(e.overall.logLoss, e.intervals?.logLoss, 4), Self.f(e.overall.macroROCAUC), Self.f(e.reliability.expectedCalibrationError)]
        }
        doc.table(headers: ["model", "kind", "accuracy", "macro-F1", "log loss", "macro ROC AUC", "calibration error"], rows: rows, numericColumns: [2, 3, 4, 5, 6])
        let metrics = ["accuracy", "macro-F1"]
        let series = evaluations.map { e in
            BarChart.Series(name: e.model, values: [e.overall.accuracy, e.overall.macroF1],
                            lower: [e.intervals?.accuracy.low, e.intervals?.macroF1.low], upper: [e.intervals?.accuracy.high, e.intervals?.macroF1.high])
        }
        var charts = [BarChart(title: "Accuracy and macro-F1 by model", xLabel: "metric", yLabel: "value", categories: metrics, series: series,
                               domain: 0...1).svg(width: 520)]
        if evaluations.allSatisfy({ !$0.early.isEmpty }) {
            let lines = evaluations.map { e in LineChart.Series(name: e.model, points: e.early.map { (Double($0.pageViews), $0.macroF1) }, showMarkers: true) }
            charts.append(LineChart(title: "Early prediction: macro-F1 by model", xLabel: "page views known", yLabel: "macro-F1", series: lines, yDomain: 0...1).svg(width: 520))
        }
        doc.figures(charts)
    }

    private func section(_ doc: inout HTMLDocument, _ e: Evaluation, heading: String?) {
        let o = e.overall
        if let heading { doc.heading(heading) }
        doc.keyFigures([
            (label: "Sessions", value: "\(o.sessions)", detail: "\(e.classes.count) intents · \(e.modelKind) model"),
            (label: "Accuracy", value: Self.f(o.accuracy), detail: (e.intervals.map { "[\(Self.f($0.accuracy.low)), \(Self.f($0.accuracy.high))] · " } ?? "") + "baseline \(Self.f(o.majorityAccuracy))"),
            (label: "Macro-F1", value: Self.f(o.macroF1), detail: (e.intervals.map { "[\(Self.f($0.macroF1.low)), \(Self.f($0.macroF1.high))] · " } ?? "") + "baseline \(Self.f(o.majorityMacroF1))"),
            (label: "Log loss", value: Self.f(o.logLoss, 4), detail: e.intervals.map { "[\(Self.f($0.logLoss.low, 4)), \(Self.f($0.logLoss.high, 4))]" } ?? ""),
            (label: "Calibration error", value: Self.f(e.reliability.expectedCalibrationError), detail: e.uncalibrated.map { "\(Self.f($0.expectedCalibrationError)) before \($0.method) calibration" } ?? "expected calibration error (ECE)"),
        ])
        // Confusion: counts coloured by row share, and the row-normalised shares.
        let rowShares = o.confusion.map { row -> [Double] in let s = Double(max(row.reduce(0, +), 1)); return row.map { Double($0) / s } }
        let counts = HeatMap(title: "Confusion matrix (counts)", xLabel: "predicted intent", yLabel: "actual intent", rowLabels: e.classes, columnLabels: e.classes,
                             values: rowShares, annotations: o.confusion.map { $0.map(String.init) }, legendLabel: "row share")
        let shares = HeatMap(title: "Share of each actual intent", xLabel: "predicted intent", yLabel: "actual intent", rowLabels: e.classes,
                             columnLabels: e.classes, values: rowShares, annotations: rowShares.map { $0.map { "\(Int(($0 * 100).rounded()))%" } },
                             legendLabel: "row share")
        doc.heading("Where it is right and wrong", level: heading == nil ? 2 : 3)
        doc.figures([counts.svg(), shares.svg()])
        doc.table(headers: ["intent", "support", "precision", "recall", "F1", "ROC AUC", "average precision"],
                  rows: zip(o.perClass, e.curves).map { c, curve in [c.name, "\(c.support)", Self.f(c.precision), Self.f(c.recall), Self.f(c.f1), Self.f(c.rocAUC), Self.f(curve.averagePrecision)] },
                  numericColumns: [1, 2, 3, 4, 5, 6])
        // Curves.
        let roc = LineChart(title: "ROC curves (one intent vs the rest)", xLabel: "false-positive rate", yLabel: "true-positive rate",
                            series: e.curves.map { LineChart.Series(name: "\($0.name) (AUC \(Self.f($0.rocAUC)))", points: $0.roc.map { ($0[0], $0[1]) }) },
                            xDomain: 0...1, yDomain: 0...1, diagonal: true, diagonalLabel: "chance")
        let pr = LineChart(title: "Precision–recall curves", xLabel: "recall", yLabel: "precision",
                           series: e.curves.map { LineChart.Series(name: "\($0.name) (AP \(Self.f($0.averagePrecision)))", points: $0.precisionRecall.map { ($0[0], $0[1]) }) },
                           xDomain: 0...1, yDomain: 0...1)
        var reliabilitySeries = [LineChart.Series(name: "model", points: e.reliability.bins.compactMap { b in b.confidence.flatMap { c in b.accuracy.map { (c, $0) } } }, showMarkers: true)]
        if let u = e.uncalibrated {
            reliabilitySeries.append(LineChart.Series(name: "before \(u.method) calibration", points: u.reliability.bins.compactMap { b in b.confidence.flatMap { c in b.accuracy.map { (c, $0) } } },
                                                      dashed: true, showMarkers: true))
        }
        let reliability = LineChart(title: "Reliability (ECE \(Self.f(e.reliability.expectedCalibrationError)))", xLabel: "confidence in the predicted intent",
                                    yLabel: "share correct", series: reliabilitySeries, xDomain: 0...1, yDomain: 0...1, diagonal: true, diagonalLabel: "perfect calibration")
        doc.heading("How well it ranks and how honest its probabilities are", level: heading == nil ? 2 : 3)
        doc.figures([roc.svg(width: 335, height: 400), pr.svg(width: 335, height: 400), reliability.svg(width: 335, height: 400)])
        if let u = e.uncalibrated {
            doc.paragraph("Calibration (\(u.method)) changed the log loss from \(Self.f(u.logLoss, 4)) to \(Self.f(o.logLoss, 4)) and the expected calibration error from \(Self.f(u.expectedCalibrationError)) to \(Self.f(e.reliability.expectedCalibrationError)).")
        }
        // Segments.
        if !e.segments.isEmpty {
            doc.heading("For which visitors it works", level: heading == nil ? 2 : 3)
            doc.paragraph("Accuracy per segment with its interval; the dashed line is the overall accuracy. ⚠ marks a segment whose whole interval lies below it: the model works measurably worse there.")
            var charts: [String] = []
            for s in e.segments {
                let rows = s.rows
                charts.append(BarChart(title: "Accuracy by \(s.dimension)", xLabel: "accuracy", yLabel: "", categories: rows.map { $0.suppressed ? "\($0.segment) (< \(s.minimumSessions))" : $0.segment },
                                       series: [BarChart.Series(name: "accuracy", values: rows.map(\.accuracy), lower: rows.map { $0.accuracyInterval?.low }, upper: rows.map { $0.accuracyInterval?.high })],
                                       horizontal: true, referenceLine: o.accuracy, referenceLabel: "overall", domain: 0...1, showValues: false).svg(width: 335))
            }
            doc.figures(charts)
            for s in e.segments {
                let flagged = Set(s.rows.indices.filter { s.rows[$0].belowOverall })
                doc.table(headers: [s.dimension, "sessions", "accuracy", "macro-F1", "log loss"],
                          rows: s.rows.map { r in
                              r.suppressed ? [r.segment, "< \(s.minimumSessions)", "—", "—", "—"]
                                  : [r.segment, "\(r.sessions!)", Self.withInterval(r.accuracy, r.accuracyInterval), Self.withInterval(r.macroF1, r.macroF1Interval),
                                     Self.withInterval(r.logLoss, r.logLossInterval, 4)]
                          }, numericColumns: [1, 2, 3, 4], highlightRows: flagged, caption: "By \(s.dimension)")
            }
        }
        var last: [String] = []
        if !e.early.isEmpty {
            let early = LineChart(title: "Early prediction", xLabel: "page views known", yLabel: "score",
                                  series: [LineChart.Series(name: "accuracy", points: e.early.map { (Double($0.pageViews), $0.accuracy) }, showMarkers: true),
                                           LineChart.Series(name: "macro-F1", points: e.early.map { (Double($0.pageViews), $0.macroF1) }, showMarkers: true),
                                           LineChart.Series(name: "baseline accuracy", points: [(1, o.majorityAccuracy), (Double(e.early.count), o.majorityAccuracy)], dashed: true)],
                                  yDomain: 0...1)
            last.append(early.svg(width: 480))
        }
        if !e.importance.isEmpty {
            let top = e.importance.prefix(15)
            last.append(BarChart(title: "What the model relies on", xLabel: "share of \(e.importanceMeasure)", yLabel: "feature", categories: top.map(\.name),
                                 series: [BarChart.Series(name: "share", values: top.map(\.share))], horizontal: true, valueDecimals: 3).svg(width: 520))
        }
        if !last.isEmpty {
            doc.heading("How early it can tell, and from what", level: heading == nil ? 2 : 3)
            doc.figures(last)
        }
    }
}
