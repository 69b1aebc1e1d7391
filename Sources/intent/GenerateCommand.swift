import ArgumentParser
import VisitIntent

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate a realistic, labelled clinic website data set.",
        discussion: """
        Writes events.jsonl (canonical format), labels.csv (session_id,intent) and taxonomy.yaml \
        for a French aesthetic-medicine practice's site. The latent intents (curiosity, research, \
        booking; about 60/30/10) drive each journey through a documented stochastic model \
        (docs/journey-generator.md).

        Example:
          intent generate --sessions 20000 --seed 7 --out data/clinic
        """)

    @Option(help: "Number of sessions to generate.") var sessions = 10_000
    @Option(help: "Random seed: the same seed gives the same bytes.") var seed: UInt64 = 42
    @Option(help: ArgumentHelp("Output directory.", valueName: "dir")) var out: String
    @Option(help: "Length of the period, in weeks.") var weeks = 12
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if sessions < 1 || sessions > 100_000_000 { throw ValidationError("--sessions must be between 1 and 100,000,000") }
        if weeks < 1 || weeks > 520 { throw ValidationError("--weeks must be between 1 and 520") }
    }

    func run() throws {
        var cfg = JourneyGenerator.Configuration()
        cfg.sessions = sessions
        cfg.seed = seed
        cfg.weeks = weeks
        let progress = Progress(label: "generating", quiet: output.quiet)
        let summary = try JourneyGenerator(configuration: cfg).write(to: out, progress: progress)
        let mix = summary.intentCounts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        print("generated \(summary.sessions) sessions of \(summary.visitors) visitors, \(summary.events) events (\(mix))")
        for f in summary.files { print("  \(f)") }
    }
}
