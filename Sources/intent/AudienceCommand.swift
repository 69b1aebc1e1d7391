import ArgumentParser
import Foundation
import VisitIntent

struct AudienceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audience",
        abstract: "Understand the audience: who visits, from where, what they read, with which intent, and what to show them.",
        discussion: """
        Writes audience.html (self-contained, inline SVG), audience.md and audience.json \
        (docs/audience.md) from predicted intents (or known labels with --labels). Every \
        group, bar and path describes at least --min-group-size visitors (default 10): smaller \
        ones are merged into "other" or suppressed.

        Example:
          intent audience --model models/clinic-gbdt.json --events datasets/clinic-sample/events.jsonl \\
            --playbook datasets/clinic-playbook.yaml --by week --report out/audience
        """)

    @Option(help: ArgumentHelp("Model file (its feature spec and taxonomy classify the pages).", valueName: "file")) var model: String
    @OptionGroup var input: EventInputOptions
    @Option(help: ArgumentHelp("Use known intents (session_id,intent) instead of predictions.", valueName: "file")) var labels: String?
    @Option(help: ArgumentHelp("Content playbook (YAML): who each piece of content would reach.", valueName: "file")) var playbook: String?
    @Option(help: ArgumentHelp("First day (YYYY-MM-DD, local time of the visit).", valueName: "date")) var from: String?
    @Option(help: ArgumentHelp("Last day (YYYY-MM-DD), inclusive.", valueName: "date")) var to: String?
    @Option(help: "Period for trends: week or month.") var by: String = "week"
    @Option(help: ArgumentHelp("Smallest group shown, in distinct visitors.", valueName: "k")) var minGroupSize: Int = 10
    @Option(help: ArgumentHelp("Directory for audience.html, audience.md and audience.json.", valueName: "dir")) var report: String
    @Option(help: ArgumentHelp("The intent that means ready to book (default: the one named booking, in any case).", valueName: "name")) var bookingIntent: String?
    @Option(help: ArgumentHelp("The intent that means researching a procedure (default: the one named research, in any case).", valueName: "name")) var researchIntent: String?
    @Option(help: "Worker threads (results do not depend on it).") var threads: Int = Parallel.defaultThreads
    @OptionGroup var output: OutputOptions

    static func day(_ text: String, _ option: String) throws -> Int {
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, (1...12).contains(parts[1]), (1...31).contains(parts[2]) else { throw ValidationError("\(option) must be a date like 2026-09-01") }
        let day = Timestamp.daysFromCivil(year: parts[0], month: parts[1], day: parts[2])
        let back = Timestamp.civilFromDays(day)
        guard back.year == parts[0], back.month == parts[1], back.day == parts[2] else { throw ValidationError("\(option): \(text) is not a calendar date") }
        return day
    }

    func validate() throws {
        if AudienceReport.Period(rawValue: by) == nil { throw ValidationError("--by must be week or month") }
        if minGroupSize < 2 { throw ValidationError("--min-group-size must be at least 2") }
        if let from { _ = try Self.day(from, "--from") }
        if let to { _ = try Self.day(to, "--to") }
        if let from, let to, try Self.day(from, "--from") > Self.day(to, "--to") { throw ValidationError("--from is after --to") }
    }

    func run() throws {
        let classifier = try ModelFile.loadClassifier(path: model)
        let spec = try classifier.requireFeatureSpec()
        input.warnTaxonomyIgnored()
        let data = try input.load(sessionizer: spec.sessionizer, quiet: output.quiet)
        let (scores, matrix) = try ScoreTable.score(model: classifier, data: data, threads: threads)
        var intents = classifier.classes
        var perSession = scores.predicted.map(Int.init)
        var probabilities = (0..<scores.sessionIDs.count).map { r in intents.indices.map { scores.probabilities[r, $0] } }
        var keep = Array(0..<perSession.count)
        if let labels {
            var skipped = SkipReport()
            let set = try LabelSet.read(path: labels, skipInvalid: input.skipInvalid, skipped: &skipped).pseudonymized(data.pseudonymizer)
            intents = Array(Set(set.intentBySession.values)).sorted()
            let index = Dictionary(uniqueKeysWithValues: intents.enumerated().map { ($1, $0) })
            keep = keep.filter { set.intentBySession[scores.sessionIDs[$0]] != nil }
            for r in keep {
                perSession[r] = index[set.intentBySession[scores.sessionIDs[r]]!]!
                probabilities[r] = intents.indices.map { $0 == perSession[r] ? 1 : 0 }
            }
        }
        let book = try playbook.map { try ContentPlaybook.load(path: $0) }
        if labels == nil { Console.warnUnreachable(book, model: classifier) }
        let layout = try FeatureLayout(spec: spec)
        var sessions = AudienceSession.build(data: data, taxonomy: layout.taxonomy, segments: matrix.segments, intents: perSession, probabilities: probabilities,
                                             timeoutMinutes: spec.sessionizer.inactivityTimeoutMinutes)
        let after = SessionDetails.afterConsultation(data, events: book?.consultationEvents ?? ["booking"])
        for i in sessions.indices { sessions[i].attributes["stage"] = after[i] ? "after" : "before" }
        sessions = keep.map { sessions[$0] }
        var o = AudienceBuilder.Options()
        o.minimumVisitors = minGroupSize
        o.period = AudienceReport.Period(rawValue: by)!
        o.fromDay = try from.map { try Self.day($0, "--from") }
        o.toDay = try to.map { try Self.day($0, "--to") }
        o.playbook = book
        o.bookingIntent = bookingIntent
        o.researchIntent = researchIntent
        let builder = AudienceBuilder(intents: intents, options: o)
        for (option, name, index, what) in [("--booking-intent", bookingIntent, builder.bookingIndex, "booking"), ("--research-intent", researchIntent, builder.researchIndex, "research")] {
            if let name, index == nil { throw ValidationError("\(option) \(name) is not one of the intents: \(intents.joined(separator: ", "))") }
            if index == nil { Console.warn("no intent is named \(what) (intents: \(intents.joined(separator: ", "))): the report leaves out its \(what) tables; name one with \(option)") }
        }
        let result = builder.build(sessions, model: PathText.lastComponent(of: model),
                                                                        intentSource: labels == nil ? "predicted" : "labels")
        guard result.visitors >= minGroupSize else {
            throw ValidationError("only \(result.visitors) visitor(s) in this period: fewer than --min-group-size \(minGroupSize), so nothing can be shown without singling someone out")
        }
        try FileManager.default.createDirectory(atPath: report, withIntermediateDirectories: true)
        let page = AudienceReportPage(report: result)
        try AtomicFile.write(path: PathText.join(report, "audience.json"), bytes: try result.json())
        try AtomicFile.write(path: PathText.join(report, "audience.md"), text: page.markdown())
        try AtomicFile.write(path: PathText.join(report, "audience.html"), text: page.render())
        print("audience of \(result.visitors) visitors, \(result.sessions) sessions → \(report)/audience.html, audience.md, audience.json")
    }
}
