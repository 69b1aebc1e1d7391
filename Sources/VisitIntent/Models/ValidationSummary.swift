import LinearAlgebra

/// Held-out metrics stored with a model.
public struct ValidationSummary: Codable, Sendable, Equatable {
    public var sessions: Int
    public var accuracy: Double
    public var macroF1: Double
    public var logLoss: Double
    public var majorityBaselineAccuracy: Double
    public var majorityBaselineMacroF1: Double

    /// The model card's validation section (shared by every model).
    public var markdown: String {
        var md = "\n## Validation (held out)\n\n| metric | model | majority-class baseline |\n|---|---|---|\n"
        md += "| accuracy | \(String(format: "%.3f", accuracy)) | \(String(format: "%.3f", majorityBaselineAccuracy)) |\n"
        md += "| macro-F1 | \(String(format: "%.3f", macroF1)) | \(String(format: "%.3f", majorityBaselineMacroF1)) |\n"
        md += "| log loss | \(String(format: "%.4f", logLoss)) | |\n\n\(sessions) validation sessions.\n"
        return md
    }

    enum CodingKeys: String, CodingKey {
        case sessions, accuracy
        case macroF1 = "macro_f1"
        case logLoss = "log_loss"
        case majorityBaselineAccuracy = "majority_baseline_accuracy"
        case majorityBaselineMacroF1 = "majority_baseline_macro_f1"
    }
}
