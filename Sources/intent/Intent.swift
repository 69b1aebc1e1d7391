import ArgumentParser
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
}
