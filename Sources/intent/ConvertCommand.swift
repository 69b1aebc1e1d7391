import ArgumentParser
import Foundation
import VisitIntent

struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert an analytics export (GA4 BigQuery NDJSON, canonical CSV) to canonical JSON Lines.",
        discussion: """
        Visitor and session ids are written as pseudonyms (HMAC with your key), so the \
        output holds no raw identifier; reading it back with the same key keeps them as they are. \
        Events refused for consent are left out and counted. A session split across two daily \
        tables is joined when both files are given. See docs/ga4.md for the field mapping.

        Example:
          INTENT_PSEUDONYM_KEY=... intent convert --from ga4 --out events.jsonl events_20261128.json events_20261129.json
        """)

    @Option(name: .long, help: ArgumentHelp("Input format: auto, jsonl, csv or ga4.", valueName: "format"))
    var from: InputFormat = .auto

    @Option(name: .long, help: ArgumentHelp("Canonical JSON Lines file to write ('-' for standard output).", valueName: "file"))
    var out: String

    @Argument(help: ArgumentHelp("Input file(s).", valueName: "file")) var files: [String]

    @Flag(name: .long, help: "Skip invalid records and count them by reason instead of stopping at the first.")
    var skipInvalid = false

    @Flag(name: .long, help: "Keep only events that carry consent (GA4: analytics_storage = Yes).")
    var requireConsent = false

    @Option(name: .long, help: ArgumentHelp("File holding the key for pseudonymous ids (else INTENT_PSEUDONYM_KEY, else a random key for this run).", valueName: "file"))
    var pseudonymKeyFile: String?

    @OptionGroup var output: OutputOptions

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one input file") }
    }

    func run() throws {
        var input = try EventInputOptions.parse([])
        input.format = from
        input.skipInvalid = skipInvalid
        input.requireConsent = requireConsent
        input.pseudonymKeyFile = pseudonymKeyFile
        let reader = EventReader(options: input.readerOptions(), pseudonymizer: try input.pseudonymizer(quiet: output.quiet))
        var total = EventReader.Summary()
        let write: (AtomicFile.Writer) throws -> Void = { writer in
            var buffer = ""
            for file in files {
                let s = try reader.forEachEvent(path: file) { event in
                    buffer += event.canonicalJSONLine
                    buffer += "\n"
                    if buffer.utf8.count > 1 << 20 { try writer.write(buffer); buffer = "" }
                }
                total.merge(s)
            }
            try writer.write(buffer)
        }
        if out == "-" { try write(AtomicFile.standardOutput) } else { try AtomicFile.write(path: out, write) }
        Console.reportRead(total, quiet: output.quiet)
        if !output.quiet { Console.note("converted \(total.kept) of \(total.records) record(s) to \(out)") }
    }
}
