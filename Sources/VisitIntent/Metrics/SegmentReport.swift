import LinearAlgebra

/// Accuracy per segment of one dimension (device, channel…), with support.
///
/// A segment with fewer than `minimumSessions` sessions — or, when visitor
/// ids are given, fewer distinct visitors — is suppressed: its figures are not
/// computed or written anywhere, and it is listed as "< k". When the
/// suppressed segments together hold fewer than k sessions, the next smallest
/// segments are suppressed too, so a hidden segment cannot be recovered by
/// subtracting the others from the total (complementary suppression).
public struct SegmentReport: Codable, Sendable, Equatable {
    public struct Row: Codable, Sendable, Equatable {
        public var segment: String
        /// `nil` when suppressed.
        public var sessions: Int?
        public var accuracy: Double?
        public var macroF1: Double?
        public var logLoss: Double?
        public var suppressed: Bool
        /// Bootstrap intervals (resampling the segment's visitors), when asked for.
        public var accuracyInterval: Interval? = nil
        public var macroF1Interval: Interval? = nil
        public var logLossInterval: Interval? = nil
        /// True when the whole accuracy interval lies below the overall accuracy:
        /// the model works measurably worse for this segment.
        public var belowOverall = false
        enum CodingKeys: String, CodingKey {
            case segment, sessions, accuracy; case macroF1 = "macro_f1"; case logLoss = "log_loss"; case suppressed
            case accuracyInterval = "accuracy_interval", macroF1Interval = "macro_f1_interval", logLossInterval = "log_loss_interval"
            case belowOverall = "below_overall"
        }
    }

    public var dimension: String
    public var minimumSessions: Int
    public var rows: [Row]

    enum CodingKeys: String, CodingKey { case dimension; case minimumSessions = "minimum_sessions"; case rows }

    public init(dimension: String, column: CategoricalColumn, probabilities: Matrix<Double>, labels: [Int32], classes: [String], minimumSessions: Int,
                visitors: [String]? = nil, bootstrap: Bootstrap? = nil, overallAccuracy: Double? = nil) {
        self.dimension = dimension
        self.minimumSessions = minimumSessions
        var members = [[Int]](repeating: [], count: column.levels.count)
        for (r, code) in column.codes.enumerated() { members[Int(code)].append(r) }
        func people(_ indices: [Int]) -> Int { visitors.map { v in Set(indices.map { v[$0] }).count } ?? indices.count }
        var hidden = Set<Int>()
        for (c, indices) in members.enumerated() where !indices.isEmpty && people(indices) < minimumSessions { hidden.insert(c) }
        if !hidden.isEmpty {
            let present = members.indices.filter { !members[$0].isEmpty }
            // The hidden union must itself hold k people (the unit of the primary rule).
            var union = hidden.flatMap { members[$0] }
            for c in present.filter({ !hidden.contains($0) }).sorted(by: { (members[$0].count, $0) < (members[$1].count, $1) })
            where people(union) < minimumSessions || hidden.count == 1 {
                hidden.insert(c)
                union += members[c]
                if people(union) >= minimumSessions && hidden.count >= 2 { break }
            }
        }
        rows = []
        for (c, (level, indices)) in zip(column.levels, members).enumerated() where !indices.isEmpty {
            if hidden.contains(c) {
                rows.append(Row(segment: level, sessions: nil, accuracy: nil, macroF1: nil, logLoss: nil, suppressed: true))
                continue
            }
            var p = Matrix<Double>(rows: indices.count, columns: probabilities.columns)
            for (k, i) in indices.enumerated() { for c in 0..<probabilities.columns { p[k, c] = probabilities[i, c] } }
            let y = indices.map { labels[$0] }
            var row = Row(segment: level, sessions: indices.count, accuracy: Accuracy().value(probabilities: p, labels: y),
                          macroF1: MacroF1().value(probabilities: p, labels: y), logLoss: LogLoss().value(probabilities: p, labels: y), suppressed: false)
            if let bootstrap, let i = bootstrap.intervals(probabilities: p, labels: y, clusters: visitors.map { v in indices.map { v[$0] } }) {
                row.accuracyInterval = i.accuracy
                row.macroF1Interval = i.macroF1
                row.logLossInterval = i.logLoss
                if let overallAccuracy { row.belowOverall = i.accuracy.high < overallAccuracy }
            }
            rows.append(row)
        }
        rows.sort { ($0.sessions ?? -1, $1.segment) > ($1.sessions ?? -1, $0.segment) }
    }
}
