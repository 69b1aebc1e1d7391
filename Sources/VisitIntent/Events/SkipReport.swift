/// Counts of records skipped under `--skip-invalid`, by reason, with the
/// first location of each so the user can look at one.
public struct SkipReport: Sendable, Codable, Equatable {
    public private(set) var counts: [String: Int] = [:]
    public private(set) var firstExample: [String: String] = [:]

    public init() {}

    public var total: Int { counts.values.reduce(0, +) }

    public mutating func record(_ error: InputError) {
        counts[error.reason.rawValue, default: 0] += 1
        if firstExample[error.reason.rawValue] == nil { firstExample[error.reason.rawValue] = error.description }
    }

    public mutating func merge(_ other: SkipReport) {
        for (k, v) in other.counts { counts[k, default: 0] += v }
        for (k, v) in other.firstExample where firstExample[k] == nil { firstExample[k] = v }
    }

    /// One line per reason, most frequent first, for a summary on stderr.
    public var lines: [String] {
        counts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { "skipped \($0.value) record(s): \($0.key) (first: \(firstExample[$0.key] ?? "?"))" }
    }
}
