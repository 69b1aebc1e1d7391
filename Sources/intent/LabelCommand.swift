import ArgumentParser
import Foundation
import VisitIntent

struct LabelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "label",
        abstract: "Derive each session's intent from outcomes (booking, phone call, pages read) with a rule file.",
        discussion: """
        Writes session_id,intent,events_before,rule (CSV, pseudonymous session ids). When the label \
        comes from an outcome event inside the session, events_before counts the session's events \
        before it, and train/evaluate/features see only those: the model learns to predict intent \
        before it shows. Rule format: docs/outcome-labels.md.

        Example:
          intent label --rules datasets/clinic-label-rules.yaml --events datasets/clinic-sample/events.jsonl \\
            --taxonomy datasets/clinic-taxonomy.yaml --out labels-from-outcomes.csv
        """)

    @OptionGroup var input: EventInputOptions
    @Option(help: ArgumentHelp("Outcome rules (YAML).", valueName: "file")) var rules: String
    @Option(help: ArgumentHelp("Labels file to write (CSV).", valueName: "file")) var out: String
    @OptionGroup var output: OutputOptions

    func run() throws {
        let ruleSet = try OutcomeRules.load(path: rules)
        let taxonomy = try SiteTaxonomy.parse(yaml: try input.taxonomyYAML(), file: input.taxonomy ?? "<generic taxonomy>")
        let labeler = OutcomeLabeler(rules: ruleSet, taxonomy: taxonomy)
        try labeler.validate(file: rules)
        let data = try input.load(quiet: output.quiet)
        for name in labeler.unseenEvents(in: data) { Console.warn("\(rules): event '\(name)' never occurs in the events (a typo?)") }
        let result = labeler.label(data)
        try AtomicFile.write(path: out) { w in
            var text = "session_id,intent,events_before,rule\n"
            for l in result.labels {
                text += CSVText.quote(data.sessions.id[l.session]) + "," + CSVText.quote(l.intent) + ","
                text += (l.eventsBefore.map(String.init) ?? "") + ",\(l.rule + 1)\n"
                if text.utf8.count > 1 << 20 { try w.write(text); text = "" }
            }
            try w.write(text)
        }
        let counts = result.counts.map { "\($0.0) \($0.1)" }.joined(separator: ", ")
        Console.wrote("labelled \(result.labels.count) of \(data.sessions.count) sessions (\(counts)) to \(out)", to: out)
        if !output.quiet {
            if result.outcomeBeforePageView > 0 { Console.note("\(result.outcomeBeforePageView) session(s) left unlabelled: their outcome came before any page view") }
            if result.unmatched > 0 { Console.note("\(result.unmatched) session(s) matched no rule (add a last rule with 'otherwise: true')") }
        }
    }
}
