/// Matches feature rows to labels by session id.
public struct LabelJoin: Sendable {
    /// Rows of the matrix that have a label, in matrix order.
    public var rows: [Int]
    /// Class code of each of those rows.
    public var y: [Int32]
    public var classes: [String]
    /// Labels whose session is not in the events.
    public var unmatchedLabels: Int
    /// Sessions without a label.
    public var unlabelledSessions: Int
    /// Sample weight of each matched row, when the labels carry weights (1 where one is missing).
    public var weights: [Double]?

    /// Joins; `classes` fixes the class list (a model's), else the sorted
    /// classes of the matched labels are used.
    public init(sessionIDs: [String], labels: LabelSet, classes fixed: [String]? = nil, labelsPath: String = "labels") throws {
        var rows: [Int] = []
        var names: [String] = []
        var matchedIDs = Set<String>()
        for (r, id) in sessionIDs.enumerated() {
            if let intent = labels.intentBySession[id] {
                rows.append(r)
                names.append(intent)
                matchedIDs.insert(id)
            }
        }
        guard !rows.isEmpty else { throw LabelJoinError.noMatch(labelsPath, labels.labelCount, sessionIDs.count) }
        let classes = fixed ?? Array(Set(names)).sorted()
        let index = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, Int32($0)) })
        if let fixed {
            let unknown = Set(names).subtracting(fixed).sorted()
            if !unknown.isEmpty { throw LabelJoinError.unknownClasses(unknown, fixed) }
        }
        self.rows = rows
        self.y = names.map { index[$0]! }
        self.classes = classes
        self.unmatchedLabels = max(0, labels.labelCount - matchedIDs.count)
        self.unlabelledSessions = sessionIDs.count - rows.count
        self.weights = labels.weightBySession.isEmpty ? nil : rows.map { labels.weightBySession[sessionIDs[$0]] ?? 1 }
    }
}

public enum LabelJoinError: Error, CustomStringConvertible, Equatable {
    case noMatch(String, Int, Int)
    case unknownClasses([String], [String])

    public var description: String {
        switch self {
        case .noMatch(let path, let labels, let sessions):
            "\(path): none of its \(labels) label(s) matches one of the \(sessions) session(s) in the events (labels join on session_id; check that both files come from the same export)"
        case .unknownClasses(let unknown, let known):
            "the labels use class(es) \(unknown.joined(separator: ", ")) that the model does not know (it knows \(known.joined(separator: ", ")))"
        }
    }
}
