import ArgumentParser
import LinearAlgebra
import NIOCore
import NIOPosix
import VisitIntent

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

    /// `intent serve` runs Swift concurrency on NIO's event-loop threads (as
    /// Vapor's template does), so a request is read, scored and answered on one
    /// thread instead of hopping between NIO's threads and the concurrency pool:
    /// about 12% less CPU a request and a lower p99 at 2,000 requests/s for the
    /// logistic model; with TreeSHAP reasons (about 0.25 ms a request) trees are
    /// near CPU-bound either way (docs/scoring.md). It must be installed before any
    /// task is enqueued, so here, first thing in main; the batch verbs keep the
    /// default pool.
    static func main() async {
        BLAS.stopIdleThreads()
        if CommandLine.arguments.dropFirst().first == "serve" {
            _ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        }
        await main(nil)
    }
}
