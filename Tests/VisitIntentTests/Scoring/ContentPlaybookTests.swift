import Testing
import VisitIntent
import VisitIntentTestSupport

/// A playbook rule the model can never reach is named, not passed over in
/// silence: found with "intent: Booking" beside a model predicting "booking",
/// and a topic taken from another site's taxonomy.
@Suite struct ContentPlaybookTests {
    @Test func rulesAModelCannotReachAreNamed() throws {
        let book = try ContentPlaybook.parse(yaml: """
            rules:
              - {intent: booking, content: book online}
              - {intent: Booking, content: never shown}
              - {intent: research, topic: implantat, content: never shown either}
              - {topic: hyaluronic-acid, content: FAQ}
              - {content: catch-all}
            """)
        let lines = book.unreachableRules(intents: ["booking", "curiosity", "research"], topics: ["hyaluronic-acid", "general"])
        #expect(lines.count == 2)
        #expect(lines[0].hasPrefix("rule 2: intent 'Booking'"))
        #expect(lines[1].hasPrefix("rule 3: topic 'implantat'"))
        // The bundled playbook fits the bundled model.
        let bundled = try ContentPlaybook.load(path: TestSupport.repositoryRoot + "/datasets/clinic-playbook.yaml")
        let model = try ModelFile.loadClassifier(path: TestSupport.repositoryRoot + "/models/clinic-gbdt.json")
        let topics = try FeatureLayout(spec: model.requireFeatureSpec()).taxonomy.topics
        #expect(bundled.unreachableRules(intents: model.classes, topics: topics).isEmpty)
    }
}
