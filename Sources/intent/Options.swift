import ArgumentParser
import Foundation
import VisitIntent

/// Options every verb that reads events shares.
struct EventInputOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Event file(s) in the canonical format (JSON Lines or CSV); repeat for several.", valueName: "file"))
    var events: [String] = []

    @Option(name: .long, help: ArgumentHelp("Input format: auto (by extension and first line), jsonl, csv, or ga4 (a GA4 BigQuery export as newline-delimited JSON).", valueName: "format"))
    var format: InputFormat = .auto

    @Option(name: .long, help: ArgumentHelp("Site taxonomy (YAML) mapping URL paths to topics and page kinds. Default: a generic French/English one.", valueName: "file"))
    var taxonomy: String?

    @Flag(name: .long, help: "Skip invalid records and count them by reason instead of stopping at the first.")
    var skipInvalid = false

    @Flag(name: .long, help: "Keep only events that carry consent: true (default: drop consent: false, keep events without the field).")
    var requireConsent = false

    @Option(name: .long, help: ArgumentHelp("Longest accepted input line, in bytes.", valueName: "bytes"))
    var maxLineBytes = 1 << 20

    @Option(name: .long, help: ArgumentHelp("Leave out (and count) sessions with more events than this.", valueName: "n"))
    var maxEventsPerSession = 5_000

    @Option(name: .long, help: ArgumentHelp("Leave out (and count) visitors with more sessions than this: robots, crawlers, shared kiosks.", valueName: "n"))
    var maxSessionsPerVisitor = 2_000

    @Option(name: .long, help: ArgumentHelp("Inactivity gap that ends a session when the input has no session_id.", valueName: "minutes"))
    var sessionTimeout: Double = 30

    @Option(name: .long, help: ArgumentHelp("File holding the key for pseudonymous visitor ids (else INTENT_PSEUDONYM_KEY, else a random key for this run).", valueName: "file"))
    var pseudonymKeyFile: String?

    func validate() throws {
        if maxLineBytes < 256 || maxLineBytes > 256 << 20 { throw ValidationError("--max-line-bytes must be between 256 and 268435456 (256 MiB)") }
        if maxEventsPerSession < 1 { throw ValidationError("--max-events-per-session must be at least 1") }
        if maxSessionsPerVisitor < 1 { throw ValidationError("--max-sessions-per-visitor must be at least 1") }
        if !(sessionTimeout > 0 && sessionTimeout <= 10_080) { throw ValidationError("--session-timeout must be more than 0 and at most 10080 minutes (a week)") }
    }

    func readerOptions() -> EventReader.Options {
        var o = EventReader.Options()
        o.skipInvalid = skipInvalid
        o.maxLineBytes = maxLineBytes
        o.consent = requireConsent ? .requireConsent : .excludeRefused
        o.format = format.readerFormat
        return o
    }

    var limits: SessionLimits {
        var l = SessionLimits()
        l.maxEventsPerSession = maxEventsPerSession
        l.maxSessionsPerVisitor = maxSessionsPerVisitor
        return l
    }

    func sessionizer() -> SessionizerConfiguration {
        var s = SessionizerConfiguration()
        s.inactivityTimeoutMinutes = sessionTimeout
        return s
    }

    func taxonomyYAML() throws -> String {
        guard let taxonomy else { return SiteTaxonomy.genericYAML }
        guard FileManager.default.fileExists(atPath: taxonomy) else { throw SiteTaxonomy.Failure(file: taxonomy, detail: "no such taxonomy file") }
        guard let data = FileManager.default.contents(atPath: taxonomy) else { throw SiteTaxonomy.Failure(file: taxonomy, detail: "cannot read the taxonomy file") }
        guard let text = String(data: data, encoding: .utf8) else { throw SiteTaxonomy.Failure(file: taxonomy, detail: "the taxonomy file is not UTF-8") }
        _ = try SiteTaxonomy.parse(yaml: text, file: taxonomy)
        return text
    }

    /// The pseudonymizer from the key options, with a note when it is random.
    func pseudonymizer(quiet: Bool) throws -> Pseudonymizer {
        let pseudonymizer = try Pseudonymizer.fromEnvironment(keyFile: pseudonymKeyFile)
        if pseudonymizer.isEphemeral && !quiet {
            Console.note("no INTENT_PSEUDONYM_KEY or --pseudonym-key-file: visitor pseudonyms are random for this run and will not match other runs")
        }
        return pseudonymizer
    }

    /// A model brings its own taxonomy (its pages' topics and kinds are part of its
    /// features): a `--taxonomy` given with one would be silently unused.
    func warnTaxonomyIgnored() {
        if let taxonomy { Console.warn("--taxonomy \(taxonomy) is ignored: the model classifies pages with the taxonomy it was trained with (retrain to change it)") }
    }

    /// Notes and warns of the sessions a streamed run left out, as `load` does.
    func reportLimits(_ summary: StreamingScorer.Summary, quiet: Bool) {
        if summary.sessionsWithoutPageView > 0 && !quiet { Console.note("\(summary.sessionsWithoutPageView) session(s) without any page view left out") }
        if summary.repeatedEvents > 0 && !quiet { Console.note("\(summary.repeatedEvents) exact repeat(s) of an event left out (the same record twice)") }
        if summary.sessionsOverEventLimit > 0 { Console.warn("\(summary.sessionsOverEventLimit) session(s) with more than \(maxEventsPerSession) events left out (--max-events-per-session)") }
        if summary.visitorsOverSessionLimit > 0 { Console.warn("\(summary.visitorsOverSessionLimit) visitor(s) with more than \(maxSessionsPerVisitor) sessions left out (--max-sessions-per-visitor)") }
    }

    /// Reads and sessionizes the events, printing what was skipped.
    func load(sessionizer override: SessionizerConfiguration? = nil, quiet: Bool) throws -> SessionDataset {
        if events.isEmpty { throw ValidationError("give at least one --events file") }
        let pseudonymizer = try pseudonymizer(quiet: quiet)
        let reader = EventReader(options: readerOptions(), pseudonymizer: pseudonymizer)
        let data = try SessionDataset.load(paths: events, reader: reader, sessionizer: override ?? sessionizer(), limits: limits)
        Console.reportRead(data.readSummary, quiet: quiet)
        if data.sessions.sessionsWithoutPageView > 0 && !quiet {
            Console.note("\(data.sessions.sessionsWithoutPageView) session(s) without any page view left out")
        }
        if data.sessions.repeatedEvents > 0 && !quiet {
            Console.note("\(data.sessions.repeatedEvents) exact repeat(s) of an event left out (the same record twice)")
        }
        if data.sessions.sessionsOverEventLimit > 0 {
            Console.warn("\(data.sessions.sessionsOverEventLimit) session(s) with more than \(maxEventsPerSession) events left out (--max-events-per-session)")
        }
        if data.sessions.visitorsOverSessionLimit > 0 {
            Console.warn("\(data.sessions.visitorsOverSessionLimit) visitor(s) with more than \(maxSessionsPerVisitor) sessions left out (--max-sessions-per-visitor)")
        }
        return data
    }
}

enum InputFormat: String, ExpressibleByArgument, CaseIterable {
    case auto, jsonl, csv, ga4
    var readerFormat: EventReader.Format? {
        switch self {
        case .auto: nil
        case .jsonl: .jsonl
        case .csv: .csv
        case .ga4: .ga4
        }
    }
}

struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "No progress or notes on stderr.")
    var quiet = false
}

enum Console {
    static func note(_ text: String) {
        FileHandle.standardError.write(Data("note: \(text)\n".utf8))
    }

    static func warn(_ text: String) {
        FileHandle.standardError.write(Data("warning: \(text)\n".utf8))
    }

    /// Warns of playbook rules this model can never reach (see `ContentPlaybook.unreachableRules`).
    static func warnUnreachable(_ book: ContentPlaybook?, model: any Classifier) {
        guard let book, let spec = model.featureSpec, let layout = try? FeatureLayout(spec: spec) else { return }
        for line in book.unreachableRules(intents: model.classes, topics: layout.taxonomy.topics) { warn("playbook \(line): it never applies") }
    }

    /// What a verb wrote, on standard output; on standard error when the output
    /// itself went to standard output (`--out -`), so it is not mixed in.
    static func wrote(_ text: String, to out: String) {
        if out == "-" { FileHandle.standardError.write(Data("\(text)\n".utf8)) } else { print(text) }
    }

    static func reportRead(_ s: EventReader.Summary, quiet: Bool) {
        if s.skipped.total > 0 {
            for line in s.skipped.lines { FileHandle.standardError.write(Data("warning: \(line)\n".utf8)) }
        }
        if !quiet && s.excludedForConsent > 0 {
            note("\(s.excludedForConsent) event(s) excluded for lack of consent")
        }
    }
}
