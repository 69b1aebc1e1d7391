/// Applies `OutcomeRules` to sessionized events: one label per session.
///
/// When a label comes from an outcome event inside the session, the label
/// records how many of the session's events came before it (`events_before`),
/// and training and evaluation see only those: the model must predict intent
/// before it shows. A session whose outcome comes before any page view has
/// nothing to learn from and is left unlabelled (counted).
public struct OutcomeLabeler: Sendable {
    public var rules: OutcomeRules
    public var taxonomy: SiteTaxonomy

    public init(rules: OutcomeRules, taxonomy: SiteTaxonomy) {
        self.rules = rules
        self.taxonomy = taxonomy
    }

    /// Page kinds and topics the rules name but the taxonomy does not have:
    /// such a condition could never hold, so it is refused (file and rule named).
    public func validate(file: String) throws {
        for (i, rule) in rules.rules.enumerated() {
            let kinds = rule.pageKinds + rule.eventsOnPageKind.values.flatMap { $0 }
            if let k = kinds.first(where: { !taxonomy.kinds.contains($0) }) {
                throw OutcomeRules.Failure(file: file, detail: "rule \(i + 1): page kind '\(k)' is not in the taxonomy (its kinds: \(taxonomy.kinds.joined(separator: ", ")))")
            }
            if let t = rule.pageTopics.first(where: { !taxonomy.topics.contains($0) }) {
                throw OutcomeRules.Failure(file: file, detail: "rule \(i + 1): topic '\(t)' is not in the taxonomy (its topics: \(taxonomy.topics.joined(separator: ", ")))")
            }
        }
    }

    /// Event names the rules name that never occur in `data` (a typo, or an event the site does not send).
    public func unseenEvents(in data: SessionDataset) -> [String] {
        let e = data.events
        var seen = Set<String>()
        for i in 0..<e.count { seen.insert(e.eventName(i)) }
        let named = rules.rules.flatMap { $0.events + Array($0.eventsOnPageKind.keys) }
        return Array(Set(named.filter { !seen.contains($0) })).sorted()
    }

    public struct Label: Sendable, Equatable {
        public var session: Int
        public var intent: String
        /// Events features may see; nil for the whole session.
        public var eventsBefore: Int?
        /// Index of the rule that decided, from 0.
        public var rule: Int
    }

    public struct Result: Sendable {
        public var labels: [Label]
        /// Sessions whose outcome came before any page view.
        public var outcomeBeforePageView = 0
        /// Sessions no rule matched (no `otherwise` rule).
        public var unmatched = 0
        /// Labels per intent, in rule order of first appearance.
        public var counts: [(String, Int)] {
            var order: [String] = [], n: [String: Int] = [:]
            for l in labels { if n[l.intent] == nil { order.append(l.intent) }; n[l.intent, default: 0] += 1 }
            return order.map { ($0, n[$0]!) }
        }

        /// The labels as a `LabelSet` keyed by session id.
        public func labelSet(sessionIDs: [String]) -> LabelSet {
            var set = LabelSet()
            for l in labels { set.set(l.intent, for: sessionIDs[l.session], eventsBefore: l.eventsBefore) }
            return set
        }
    }

    public func label(_ data: SessionDataset) -> Result {
        let events = data.events, sessions = data.sessions
        // Page kind and topic of every path code, classified once.
        var kindOf: [Int32: String] = [:], topicOf: [Int32: String] = [:]
        func classify(_ code: Int32) -> (String, String) {
            if let k = kindOf[code] { return (k, topicOf[code]!) }
            let c = taxonomy.classify(events.pool[code])
            kindOf[code] = c.kind; topicOf[code] = c.topic
            return (c.kind, c.topic)
        }
        func name(_ e: Int) -> String { events.eventName(e) }

        /// Position of the first event of session `s` that is an outcome of `rule`, if any.
        func firstOutcome(_ s: Int, _ rule: OutcomeRules.Rule) -> Int? {
            var page: Int32 = StringPool.empty
            for (position, e32) in sessions.events(of: s).enumerated() {
                let e = Int(e32)
                if events.kind[e] == .pageView { page = events.path[e] }
                let n = name(e)
                if rule.events.contains(n) { return position }
                if let kinds = rule.eventsOnPageKind[n] {
                    let where_ = events.path[e] != StringPool.empty ? events.path[e] : page
                    if where_ != StringPool.empty, kinds.contains(classify(where_).0) { return position }
                }
            }
            return nil
        }
        func pageViewsBefore(_ s: Int, _ k: Int) -> Int {
            sessions.events(of: s).prefix(k).reduce(0) { $0 + (events.kind[Int($1)] == .pageView ? 1 : 0) }
        }
        // Sessions of each visitor in time order, for outcomes in later sessions.
        var byVisitor: [Int32: [Int]] = [:]
        for s in 0..<sessions.count { byVisitor[sessions.visitor[s], default: []].append(s) }
        for key in byVisitor.keys { byVisitor[key]!.sort { (sessions.start[$0], $0) < (sessions.start[$1], $1) } }

        var result = Result(labels: [])
        sessionLoop: for s in 0..<sessions.count {
            for (index, rule) in rules.rules.enumerated() {
                if rule.hasOutcome {
                    if let k = firstOutcome(s, rule) {
                        if pageViewsBefore(s, k) == 0 { result.outcomeBeforePageView += 1; continue sessionLoop }
                        result.labels.append(Label(session: s, intent: rule.intent, eventsBefore: k, rule: index))
                        continue sessionLoop
                    }
                    if rule.withinDays > 0 {
                        let horizon = sessions.end[s] + Int64(rule.withinDays * 86_400_000)
                        for later in byVisitor[sessions.visitor[s]]! where later != s && sessions.start[later] >= sessions.end[s] && sessions.start[later] <= horizon {
                            if firstOutcome(later, rule) != nil {
                                result.labels.append(Label(session: s, intent: rule.intent, eventsBefore: nil, rule: index))
                                continue sessionLoop
                            }
                        }
                    }
                }
                if let needed = rule.minPageViews {
                    var n = 0
                    for e32 in sessions.events(of: s) where events.kind[Int(e32)] == .pageView {
                        let (kind, topic) = classify(events.path[Int(e32)])
                        if rule.pageKinds.contains(kind) || rule.pageTopics.contains(topic) { n += 1 }
                    }
                    if n >= needed {
                        result.labels.append(Label(session: s, intent: rule.intent, eventsBefore: nil, rule: index))
                        continue sessionLoop
                    }
                }
                if rule.otherwise {
                    result.labels.append(Label(session: s, intent: rule.intent, eventsBefore: nil, rule: index))
                    continue sessionLoop
                }
            }
            result.unmatched += 1
        }
        return result
    }
}
