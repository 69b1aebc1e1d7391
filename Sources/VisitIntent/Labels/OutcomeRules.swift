import Foundation

/// Rules that derive each session's intent from what the visitor did, so a
/// practice needs no hand labelling (format in `docs/outcome-labels.md`).
///
/// Rules are tried in order; the first that holds labels the session. A rule
/// holds when any of its conditions does. Outcome conditions (`events`,
/// `events_on_page_kind`) look inside the session and, with `within_days`,
/// at the visitor's later sessions.
public struct OutcomeRules: Sendable, Equatable {
    public struct Rule: Sendable, Equatable {
        public var intent: String
        /// Event names that are the outcome (e.g. booking, phone_click).
        public var events: [String] = []
        /// Event name → page kinds where it counts (e.g. form_submit on a booking page).
        public var eventsOnPageKind: [String: [String]] = [:]
        /// Also label a session when the outcome happens in a later session of
        /// the visitor starting at most this many days after it ends.
        public var withinDays: Double = 0
        /// At least `count` page views of these kinds or topics.
        public var minPageViews: Int?
        public var pageKinds: [String] = []
        public var pageTopics: [String] = []
        /// Always holds (the last, catch-all rule).
        public var otherwise = false

        public var hasOutcome: Bool { !events.isEmpty || !eventsOnPageKind.isEmpty }
    }

    public var rules: [Rule]

    public struct Failure: Error, CustomStringConvertible {
        public var file: String
        public var detail: String
        public var description: String { "\(file): \(detail)" }
    }

    public static func load(path: String) throws -> OutcomeRules {
        do { return try parse(yaml: YAMLDocument.text(path: path, what: "the rules file"), file: path) } catch let f as YAMLDocument.Failure {
            throw Failure(file: path, detail: f.detail)
        }
    }

    public static func parse(yaml: String, file: String = "<rules>") throws -> OutcomeRules {
        func fail(_ detail: String) -> Failure { Failure(file: file, detail: detail) }
        let root: Any?
        do { root = try YAMLDocument.load(yaml) } catch let f as YAMLDocument.Failure { throw fail(f.detail) }
        guard let map = root as? [String: Any] else { throw fail("the top level must be a mapping with 'labels'") }
        if let v = map["version"], "\(v)" != "1" { throw fail("rules version \(v) is not supported (this tool reads version 1)") }
        if let unknown = map.keys.sorted().first(where: { !["version", "labels"].contains($0) }) {
            throw fail("unknown key '\(unknown)' (expected labels, version)")
        }
        guard let list = map["labels"] as? [Any], !list.isEmpty else { throw fail("'labels' must be a non-empty list of rules") }
        let known: Set<String> = ["intent", "events", "events_on_page_kind", "within_days", "min_page_views", "otherwise"]
        var rules: [Rule] = []
        for (i, item) in list.enumerated() {
            let at = "rule \(i + 1)"
            guard let r = item as? [String: Any] else { throw fail("\(at) must be a mapping") }
            if let unknown = r.keys.sorted().first(where: { !known.contains($0) }) {
                throw fail("\(at): unknown key '\(unknown)' (expected one of \(known.sorted().joined(separator: ", ")))")
            }
            func names(_ v: Any?, _ key: String) throws -> [String] {
                guard let v else { return [] }
                if let l = v as? [Any] { return l.map { "\($0)" } }
                if v is [String: Any] { throw fail("\(at): '\(key)' must be a list of names") }
                return ["\(v)"]
            }
            guard let intent = r["intent"].map({ "\($0)" }), !intent.isEmpty, !(r["intent"] is [Any]) else { throw fail("\(at) needs an 'intent' name") }
            var rule = Rule(intent: intent)
            rule.events = try names(r["events"], "events")
            if let m = r["events_on_page_kind"] {
                guard let m = m as? [String: Any] else { throw fail("\(at): 'events_on_page_kind' maps an event name to a list of page kinds") }
                for (event, kinds) in m { rule.eventsOnPageKind[event] = try names(kinds, "events_on_page_kind.\(event)") }
            }
            if let d = r["within_days"] {
                guard let days = Double("\(d)"), days >= 0, days <= 365 else { throw fail("\(at): 'within_days' must be a number of days from 0 to 365") }
                rule.withinDays = days
            }
            if let p = r["min_page_views"] {
                guard let p = p as? [String: Any], let c = p["count"].flatMap({ Int("\($0)") }), c >= 1 else {
                    throw fail("\(at): 'min_page_views' needs 'count' (at least 1) and 'kinds' and/or 'topics'")
                }
                rule.minPageViews = c
                rule.pageKinds = try names(p["kinds"], "min_page_views.kinds")
                rule.pageTopics = try names(p["topics"], "min_page_views.topics")
                if rule.pageKinds.isEmpty && rule.pageTopics.isEmpty { throw fail("\(at): 'min_page_views' needs 'kinds' and/or 'topics'") }
            }
            if let o = r["otherwise"] { rule.otherwise = "\(o)" == "true" }
            if !rule.hasOutcome && rule.minPageViews == nil && !rule.otherwise {
                throw fail("\(at) ('\(intent)') has no condition: give events, events_on_page_kind, min_page_views or otherwise: true")
            }
            if rule.withinDays > 0 && !rule.hasOutcome { throw fail("\(at): 'within_days' needs an outcome (events or events_on_page_kind)") }
            rules.append(rule)
        }
        return OutcomeRules(rules: rules)
    }
}
