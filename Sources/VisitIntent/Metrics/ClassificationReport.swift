import LinearAlgebra

/// Every figure `evaluate` reports for one set of sessions.
public struct ClassificationReport: Codable, Sendable, Equatable {
    public struct PerClass: Codable, Sendable, Equatable {
        public var name: String
        public var support: Int
        public var precision: Double
        public var recall: Double
        public var f1: Double
        public var rocAUC: Double?
        enum CodingKeys: String, CodingKey { case name, support, precision, recall, f1; case rocAUC = "roc_auc" }
    }

    public var sessions: Int
    public var accuracy: Double
    public var macroF1: Double
    public var logLoss: Double
    public var macroROCAUC: Double?
    public var perClass: [PerClass]
    /// `confusion[actual][predicted]`, classes in `perClass` order.
    public var confusion: [[Int]]
    /// The same figures for always predicting the most frequent class.
    public var majorityAccuracy: Double
    public var majorityMacroF1: Double

    enum CodingKeys: String, CodingKey {
        case sessions, accuracy
        case macroF1 = "macro_f1"
        case logLoss = "log_loss"
        case macroROCAUC = "macro_roc_auc"
        case perClass = "per_class"
        case confusion
        case majorityAccuracy = "majority_baseline_accuracy"
        case majorityMacroF1 = "majority_baseline_macro_f1"
    }

    public init(probabilities: Matrix<Double>, labels: [Int32], classes: [String]) {
        let k = classes.count
        let predicted = predictedClasses(probabilities)
        let cm = ConfusionMatrix(predicted: predicted, actual: labels, classCount: k)
        sessions = labels.count
        accuracy = Accuracy().value(probabilities: probabilities, labels: labels) ?? 0
        macroF1 = cm.macroF1
        logLoss = LogLoss().value(probabilities: probabilities, labels: labels) ?? 0
        macroROCAUC = MacroAUC().value(probabilities: probabilities, labels: labels)
        perClass = (0..<k).map { c in
            PerClass(name: classes[c], support: cm.support(c), precision: cm.precision(c), recall: cm.recall(c), f1: cm.f1(c),
                     rocAUC: OneVsRestAUC(classIndex: c).value(probabilities: probabilities, labels: labels))
        }
        confusion = cm.counts
        // Majority baseline: the most frequent class among these labels.
        var counts = [Int](repeating: 0, count: k)
        for y in labels { counts[Int(y)] += 1 }
        let majority = counts.indices.max { counts[$0] < counts[$1] || (counts[$0] == counts[$1] && $0 > $1) } ?? 0
        let base = ConfusionMatrix(predicted: Array(repeating: Int32(majority), count: labels.count), actual: labels, classCount: k)
        majorityAccuracy = labels.isEmpty ? 0 : Double(counts[majority]) / Double(labels.count)
        majorityMacroF1 = base.macroF1
    }

    public var validationSummary: ValidationSummary {
        ValidationSummary(sessions: sessions, accuracy: accuracy, macroF1: macroF1, logLoss: logLoss,
                          majorityBaselineAccuracy: majorityAccuracy, majorityBaselineMacroF1: majorityMacroF1)
    }
}
