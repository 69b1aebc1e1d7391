import Foundation

extension Evaluation {
    static func f(_ v: Double?, _ digits: Int = 3) -> String { v.map { String(format: "%.\(digits)f", $0) } ?? "n/a" }
    static func f(_ v: Double?, _ i: Interval?, _ digits: Int = 3) -> String {
        guard let v else { return "n/a" }
        guard let i else { return f(v, digits) }
        return "\(f(v, digits)) [\(f(i.low, digits)), \(f(i.high, digits))]"
    }

    /// The report as Markdown, for people who read text and for diffs.
    public func markdown(heading: Int = 1) -> String {
        let h = String(repeating: "#", count: heading)
        let o = overall
        var md = "\(h) Evaluation of \(model)\n\n"
        md += "\(o.sessions) labelled sessions (\(prefix)); model kind `\(modelKind)`.\n"
        if unmatchedLabels > 0 { md += "\n\(unmatchedLabels) label(s) matched no session.\n" }
        let ci = intervals.map { " (bootstrap \(Int($0.level * 100))% intervals over \($0.replicates) resamples of \($0.unit)s)" } ?? ""
        md += "\n\(h)# Overall\n\nFigures with\(ci.isEmpty ? "out intervals" : ci).\n\n| metric | model | majority-class baseline |\n|---|---|---|\n"
        md += "| accuracy | \(Self.f(o.accuracy, intervals?.accuracy)) | \(Self.f(o.majorityAccuracy)) |\n"
        md += "| macro-F1 | \(Self.f(o.macroF1, intervals?.macroF1)) | \(Self.f(o.majorityMacroF1)) |\n"
        md += "| log loss | \(Self.f(o.logLoss, intervals?.logLoss, 4)) | |\n"
        md += "| macro ROC AUC (one-vs-rest) | \(Self.f(o.macroROCAUC)) | 0.500 |\n"
        md += "| expected calibration error | \(Self.f(reliability.expectedCalibrationError)) | |\n"
        if let u = uncalibrated {
            md += "\nCalibration (\(u.method)): log loss \(Self.f(u.logLoss, 4)) → \(Self.f(o.logLoss, 4)), expected calibration error \(Self.f(u.expectedCalibrationError)) → \(Self.f(reliability.expectedCalibrationError)).\n"
        }
        md += "\n\(h)# Per class\n\n| class | support | precision | recall | F1 | ROC AUC | average precision |\n|---|---|---|---|---|---|---|\n"
        for (c, curve) in zip(o.perClass, curves) {
            md += "| \(c.name) | \(c.support) | \(Self.f(c.precision)) | \(Self.f(c.recall)) | \(Self.f(c.f1)) | \(Self.f(c.rocAUC)) | \(Self.f(curve.averagePrecision)) |\n"
        }
        md += "\n\(h)# Confusion matrix\n\nRows: actual; columns: predicted.\n\n| actual \\ predicted | " + classes.joined(separator: " | ") + " |\n"
        md += "|---|" + classes.map { _ in "---" }.joined(separator: "|") + "|\n"
        for (i, row) in o.confusion.enumerated() { md += "| \(classes[i]) | " + row.map(String.init).joined(separator: " | ") + " |\n" }
        md += "\n\(h)# Calibration\n\nSessions binned by the probability of the predicted class.\n\n| confidence bin | sessions | mean confidence | accuracy |\n|---|---|---|---|\n"
        for b in reliability.bins where b.sessions > 0 {
            md += "| \(Self.f(b.lower, 1))–\(Self.f(b.upper, 1)) | \(b.sessions) | \(Self.f(b.confidence)) | \(Self.f(b.accuracy)) |\n"
        }
        for s in segments {
            md += "\n\(h)# By \(s.dimension)\n\nSegments with fewer than \(s.minimumSessions) sessions or visitors are suppressed (with the next smallest, so none can be inferred from the total). ⚠ marks a segment whose whole accuracy interval lies below the overall accuracy.\n\n| \(s.dimension) | sessions | accuracy | macro-F1 | log loss |\n|---|---|---|---|---|\n"
            for r in s.rows {
                if r.suppressed { md += "| \(r.segment) | < \(s.minimumSessions) | — | — | — |\n" } else {
                    md += "| \(r.belowOverall ? "⚠ " : "")\(r.segment) | \(r.sessions!) | \(Self.f(r.accuracy, r.accuracyInterval)) | \(Self.f(r.macroF1, r.macroF1Interval)) | \(Self.f(r.logLoss, r.logLossInterval, 4)) |\n"
                }
            }
        }
        if !early.isEmpty {
            md += "\n\(h)# Early prediction\n\nThe same sessions, knowing only their first k page views.\n\n| page views known | accuracy | macro-F1 | log loss |\n|---|---|---|---|\n"
            for e in early { md += "| \(e.pageViews) | \(Self.f(e.accuracy)) | \(Self.f(e.macroF1)) | \(Self.f(e.logLoss, 4)) |\n" }
        }
        if !importance.isEmpty {
            md += "\n\(h)# What the model relies on\n\nShare of \(importanceMeasure), top \(importance.count).\n\n| feature | meaning | share |\n|---|---|---|\n"
            for i in importance { md += "| `\(i.name)` | \(i.label) | \(Self.f(i.share)) |\n" }
        }
        return md
    }
}
