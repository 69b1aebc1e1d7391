import LinearAlgebra

/// One-vs-rest ROC and precision–recall curves of one class, thinned to at
/// most `maxPoints` points for charts (the AUCs use every threshold).
public struct ClassCurves: Codable, Sendable, Equatable {
    public var name: String
    /// (false-positive rate, true-positive rate), from (0,0) to (1,1).
    public var roc: [[Double]]
    /// (recall, precision), recall increasing.
    public var precisionRecall: [[Double]]
    public var rocAUC: Double?
    /// Area under the precision–recall step curve (scikit-learn's average precision).
    public var averagePrecision: Double?
    /// Share of positives: the PR curve of a random model.
    public var prevalence: Double

    enum CodingKeys: String, CodingKey {
        case name, roc
        case precisionRecall = "precision_recall"
        case rocAUC = "roc_auc"
        case averagePrecision = "average_precision"
        case prevalence
    }

    public init(name: String, scores raw: [Double], positive: [Bool], maxPoints: Int = 200) {
        self.name = name
        // A NaN score (a broken model or input) ranks last instead of breaking the sort and the tie loop.
        let scores = raw.map { $0.isNaN ? -Double.infinity : $0 }
        let pos = positive.filter { $0 }.count, neg = positive.count - pos
        prevalence = positive.isEmpty ? 0 : Double(pos) / Double(positive.count)
        rocAUC = OneVsRestAUC.auc(scores: scores, positive: positive)
        guard pos > 0 else { roc = []; precisionRecall = []; averagePrecision = nil; return }
        // Thresholds from high to low; one point per distinct score.
        let order = scores.indices.sorted { (scores[$0], $1) > (scores[$1], $0) }
        var tp = 0, fp = 0
        var rocPoints: [[Double]] = [[0, 0]]
        var prPoints: [[Double]] = []
        var ap = 0.0, previousRecall = 0.0
        var i = 0
        while i < order.count {
            var j = i
            while j < order.count && scores[order[j]] == scores[order[i]] {
                if positive[order[j]] { tp += 1 } else { fp += 1 }
                j += 1
            }
            let recall = Double(tp) / Double(pos), precision = Double(tp) / Double(tp + fp)
            rocPoints.append([neg == 0 ? 0 : Double(fp) / Double(neg), recall])
            prPoints.append([recall, precision])
            ap += (recall - previousRecall) * precision
            previousRecall = recall
            i = j
        }
        averagePrecision = ap
        roc = ClassCurves.thin(rocPoints, maxPoints)
        precisionRecall = ClassCurves.thin(prPoints, maxPoints)
    }

    /// Keeps the first and last points and evenly spaced ones between.
    static func thin(_ points: [[Double]], _ maxPoints: Int) -> [[Double]] {
        guard points.count > maxPoints, maxPoints >= 2 else { return points }
        let step = Double(points.count - 1) / Double(maxPoints - 1)
        return (0..<maxPoints).map { points[Int((Double($0) * step).rounded())] }
    }

    /// Curves of every class.
    public static func all(probabilities p: Matrix<Double>, labels: [Int32], classes: [String]) -> [ClassCurves] {
        classes.indices.map { c in
            ClassCurves(name: classes[c], scores: (0..<p.rows).map { p[$0, c] }, positive: labels.map { Int($0) == c })
        }
    }
}
