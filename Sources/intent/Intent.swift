import ArgumentParser
import LinearAlgebra
import VisitIntent
import VisitIntentServer

@main
struct Intent: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "intent",
        abstract: "Learn why people visit a medical practice's website, and what to show them.",
        discussion: """
        Example, end to end on generated data:
          intent generate --sessions 5000 --out data
          intent train --events data/events.jsonl --labels data/labels.csv --taxonomy data/taxonomy.yaml --out models/clinic.json
          intent evaluate --model models/clinic.json --events data/events.jsonl --labels data/labels.csv --by device,channel
        """,
        version: VisitIntentInfo.version,
        subcommands: [GenerateCommand.self, ConvertCommand.self, LabelCommand.self, FeaturesCommand.self, TrainCommand.self, ScoreCommand.self, EvaluateCommand.self, InspectCommand.self, AudienceCommand.self, ServeCommand.self])

    /// `intent serve` runs Swift concurrency on NIO's event-loop threads, so a
    /// request is read, scored and answered on one thread (`EventLoopExecutor`):
    /// less CPU a request and a lower p99 at 2,000 requests/s (docs/scoring.md).
    /// It must be installed before any task is enqueued, so here, first thing in
    /// main; the batch verbs keep the default pool.
    static func main() async {
        BLAS.stopIdleThreads()
        if CommandLine.arguments.dropFirst().first == "serve" {
            _ = EventLoopExecutor.install()  // `serve` checks and logs whether it took
        }
        await main(nil)
    }
}
