import ArgumentParser
import VisitIntent

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Print a model card: classes, features, what drives each class, training data, metrics.",
        discussion: """
        Verifies the file's format version and checksum first.

        Example:
          intent inspect models/clinic-logistic.json
        """)

    @Argument(help: ArgumentHelp("Model file.", valueName: "model")) var model: String

    func run() throws {
        let classifier = try ModelFile.loadClassifier(path: model)
        print(classifier.card())
    }
}
