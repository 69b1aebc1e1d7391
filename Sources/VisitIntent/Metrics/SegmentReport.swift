import LinearAlgebra

/// Accuracy per segment of one dimension (device, channel…), with support.
///
/// A segment with fewer than `minimumSessions` sessions is suppressed — its
/// figures are not computed or written anywhere — so no report singles out a
/// small group of visitors; it is listed as "< k".
public struct SegmentReport: Codable, Sendable, Equatable {
    public struct Row: Codable, Sendable, Equatable {
        public var segment: String
        /// `nil` when suppressed.
        public var sessions: Int?
        public var accuracy: Double?
        public var macroF1: Double?
        public var logLoss: Double?
        public var suppressed: Bool
        enum CodingKeys: String, CodingKey { case segment, sessions, accuracy; case macroF1 = "macro_f1"; case logLoss = "log_loss"; case suppressed }
    }

    public var dimension: String
    public var minimumSessions: Int
    public var rows: [Row]

    enum CodingKeys: String, CodingKey { case dimension; case minimumSessions = "minimum_sessions"; case rows }

    public init(dimension: String, column: CategoricalColumn, probabilities: Matrix<Double>, labels: [Int32], classes: [String], minimumSessions: Int) {
        self.dimension = dimension
        self.minimumSessions = minimumSessions
        var members = [[Int]](repeating: [], count: column.levels.count)
        for (r, code) in column.codes.enumerated() { members[Int(code)].append(r) }
        rows = []
        for (level, indices) in zip(column.levels, members) where !indices.isEmpty {
            if indices.count < minimumSessions {
                rows.append(Row(segment: level, sessions: nil, accuracy: nil, macroF1: nil, logLoss: nil, suppressed: true))
                continue
            }
            var p = Matrix<Double>(rows: indices.count, columns: probabilities.columns)
            for (k, i) in indices.enumerated() { for c in 0..<probabilities.columns { p[k, c] = probabilities[i, c] } }
            let y = indices.map { labels[$0] }
            rows.append(Row(segment: level, sessions: indices.count, accuracy: Accuracy().value(probabilities: p, labels: y),
                            macroF1: MacroF1().value(probabilities: p, labels: y), logLoss: LogLoss().value(probabilities: p, labels: y), suppressed: false))
        }
        rows.sort { ($0.sessions ?? -1, $1.segment) > ($1.sessions ?? -1, $0.segment) }
    }
}
