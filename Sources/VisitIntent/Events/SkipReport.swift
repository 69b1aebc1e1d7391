/// Counts of records skipped under `--skip-invalid`, by reason, with the
/// first location of each so the user can look at one.
public struct SkipReport: Sendable, Equatable {
    public private(set) var counts: [String: Int] = [:]
    /// The first error of each reason, whole: a part of a file read in parallel
    /// numbers its lines before it knows its first line (`shiftLines(by:)`).
    private var firstErrors: [String: InputError] = [:]

    public init() {}

    public var total: Int { counts.values.reduce(0, +) }

    /// The first error of each reason, as text (file, line, field, reason).
    public var firstExample: [String: String] { firstErrors.mapValues(\.description) }

    public mutating func record(_ error: InputError) {
        counts[error.reason.rawValue, default: 0] += 1
        if firstErrors[error.reason.rawValue] == nil { firstErrors[error.reason.rawValue] = error }
    }

    public mutating func merge(_ other: SkipReport) {
        for (k, v) in other.counts { counts[k, default: 0] += v }
        for (k, v) in other.firstErrors where firstErrors[k] == nil { firstErrors[k] = v }
    }

    /// Adds `offset` to the line of every example.
    public mutating func shiftLines(by offset: Int) {
        if offset != 0 { firstErrors = firstErrors.mapValues { $0.shiftingLine(by: offset) } }
    }

    /// One line per reason, most frequent first, for a summary on stderr.
    public var lines: [String] {
        counts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { "skipped \($0.value) record(s): \($0.key) (first: \(firstExample[$0.key] ?? "?"))" }
    }
}
