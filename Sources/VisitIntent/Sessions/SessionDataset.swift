/// Events read from files and grouped into sessions: the input of every verb.
public struct SessionDataset: Sendable {
    public var events: EventTable
    public var sessions: SessionTable
    public var readSummary: EventReader.Summary
    /// The key that pseudonymised these events' ids; labels are matched through it.
    public var pseudonymizer: Pseudonymizer

    public init(events: EventTable, sessions: SessionTable, readSummary: EventReader.Summary, pseudonymizer: Pseudonymizer) {
        self.events = events
        self.sessions = sessions
        self.readSummary = readSummary
        self.pseudonymizer = pseudonymizer
    }

    /// Reads `paths` (canonical JSON Lines or CSV, or GA4 exports) and sessionizes.
    public static func load(paths: [String], reader: EventReader, sessionizer: SessionizerConfiguration, limits: SessionLimits = SessionLimits()) throws -> SessionDataset {
        var table = EventTable()
        var summary = EventReader.Summary()
        for path in paths {
            summary.merge(try reader.read(path: path, into: &table))
        }
        if table.count == 0 {
            throw InputError(file: paths.joined(separator: ", "), reason: .emptyFile, detail: "no usable events (read \(summary.records) records, skipped \(summary.skipped.total), excluded for consent \(summary.excludedForConsent))")
        }
        let sessions = Sessionizer(configuration: sessionizer, limits: limits).sessions(of: table)
        return SessionDataset(events: table, sessions: sessions, readSummary: summary, pseudonymizer: reader.pseudonymizer)
    }
}
