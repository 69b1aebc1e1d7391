import Foundation

/// What to show a visitor, by predicted intent, dominant topic and whether
/// the visit comes before or after a consultation (format in
/// `docs/scoring.md`; the bundled clinic's is `datasets/clinic-playbook.yaml`).
///
/// Rules are tried in order and the first whose conditions all hold wins; a
/// rule without conditions is the catch-all.
public struct ContentPlaybook: Sendable, Equatable {
    public enum Stage: String, Sendable, Codable, CaseIterable { case before, after }

    public struct Rule: Sendable, Equatable {
        public var intent: String?
        public var topic: String?
        public var stage: Stage?
        public var content: String
        public var url: String?
    }

    public var rules: [Rule]
    /// Event names that mark a consultation: a visit after a session holding
    /// one of them is "after".
    public var consultationEvents: [String]

    public struct Failure: Error, CustomStringConvertible {
        public var file: String
        public var detail: String
        public var description: String { "\(file): \(detail)" }
    }

    /// Rules that can never match this model: an intent it does not predict or a
    /// topic its taxonomy does not have ("Booking" for "booking", a topic from
    /// another site). Such a rule is silently passed over at every score, so the
    /// verbs warn of it once, at load. Each entry names the rule (1-based) and why.
    public func unreachableRules(intents: [String], topics: [String]) -> [String] {
        rules.enumerated().compactMap { i, r in
            if let intent = r.intent, !intents.contains(intent) {
                return "rule \(i + 1): intent '\(intent)' is not one the model predicts (\(intents.joined(separator: ", ")))"
            }
            if let topic = r.topic, !topics.contains(topic) {
                return "rule \(i + 1): topic '\(topic)' is not one of the model's taxonomy (\(topics.joined(separator: ", ")))"
            }
            return nil
        }
    }

    /// The first rule that matches, if any.
    public func content(intent: String, topic: String?, stage: Stage) -> Rule? {
        rules.first { r in
            (r.intent == nil || r.intent == intent) && (r.topic == nil || r.topic == topic) && (r.stage == nil || r.stage == stage)
        }
    }

    public static func load(path: String) throws -> ContentPlaybook {
        do { return try parse(yaml: YAMLDocument.text(path: path, what: "the playbook"), file: path) } catch let f as YAMLDocument.Failure {
            throw Failure(file: path, detail: f.detail)
        }
    }

    public static func parse(yaml: String, file: String = "<playbook>") throws -> ContentPlaybook {
        func fail(_ d: String) -> Failure { Failure(file: file, detail: d) }
        let root: Any?
        do { root = try YAMLDocument.load(yaml) } catch let f as YAMLDocument.Failure { throw fail(f.detail) }
        guard let map = root as? [String: Any] else { throw fail("the top level must be a mapping with 'rules'") }
        if let v = map["version"], "\(v)" != "1" { throw fail("playbook version \(v) is not supported (this tool reads version 1)") }
        if let unknown = map.keys.sorted().first(where: { !["version", "rules", "consultation_events"].contains($0) }) {
            throw fail("unknown key '\(unknown)' (expected version, rules, consultation_events)")
        }
        guard let list = map["rules"] as? [Any], !list.isEmpty else { throw fail("'rules' must be a non-empty list") }
        let known: Set<String> = ["intent", "topic", "stage", "content", "url"]
        var rules: [Rule] = []
        for (i, item) in list.enumerated() {
            guard let r = item as? [String: Any] else { throw fail("rule \(i + 1) must be a mapping") }
            if let unknown = r.keys.sorted().first(where: { !known.contains($0) }) {
                throw fail("rule \(i + 1): unknown key '\(unknown)' (expected one of \(known.sorted().joined(separator: ", ")))")
            }
            func scalar(_ k: String) throws -> String? {
                guard let v = r[k] else { return nil }
                if v is [Any] || v is [String: Any] { throw fail("rule \(i + 1): '\(k)' must be a single value") }
                return "\(v)"
            }
            guard let content = try scalar("content"), !content.isEmpty else { throw fail("rule \(i + 1) needs 'content' (what to show)") }
            var stage: Stage? = nil
            if let s = try scalar("stage") {
                guard let st = Stage(rawValue: s) else { throw fail("rule \(i + 1): 'stage' must be before or after") }
                stage = st
            }
            rules.append(Rule(intent: try scalar("intent"), topic: try scalar("topic"), stage: stage, content: content, url: try scalar("url")))
        }
        var events = ["booking"]
        if let v = map["consultation_events"] {
            guard let list = v as? [Any], !list.isEmpty, list.allSatisfy({ !($0 is [Any]) && !($0 is [String: Any]) }) else {
                throw fail("'consultation_events' must be a list of event names, e.g. [booking]")
            }
            events = list.map { "\($0)" }
        }
        return ContentPlaybook(rules: rules, consultationEvents: events)
    }
}
