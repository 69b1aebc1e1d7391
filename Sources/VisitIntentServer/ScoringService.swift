import Foundation
import LinearAlgebra
import VisitIntent

/// Turns request bodies into scores: one session's events in canonical JSON,
/// or a feature row, to probabilities, intent, reasons and content. Free of
/// HTTP so it can be tested and reused; the routes only move bytes.
public struct ScoringService: Sendable {
    public struct Settings: Sendable {
        public var reasons = 3
        public var playbook: ContentPlaybook?
        public var maxBatch = 1_000
        public var maxEventsPerSession = 5_000
        public init() {}
    }

    /// A client error: the status and a message that quotes no value sent (only, for an
    /// unknown feature, its name, which the model's feature list makes public anyway).
    public struct Failure: Error, Sendable {
        public var status: Int
        public var message: String
        public init(_ status: Int, _ message: String) { self.status = status; self.message = message }
    }

    struct Content { var text: String; var url: String? }
    struct Result {
        var sessionId: String?
        var sessions: Int?
        var probabilities: [String: Double]
        var intent: String
        var topic: String?
        var stage: String?
        var content: Content?
        var reasons: [ReasonCode]
        var model: String
        /// The answer as JSON, keys sorted as `JSONText.encoder` sorts them.
        /// Built by hand: `JSONEncoder` cost a twelfth of a request.
        var json: JSONValue {
            var members: [(String, JSONValue)] = []
            if let content {
                members.append(("content", .object([("text", .string(content.text))] + (content.url.map { [("url", .string($0))] } ?? []))))
            }
            members.append(("intent", .string(intent)))
            members.append(("model", .string(model)))
            members.append(("probabilities", .object(probabilities.sorted { $0.key < $1.key }.map { ($0.key, JSONValue(number: $0.value)) })))
            members.append(("reasons", .array(reasons.map { r in
                .object([("contribution", JSONValue(number: r.contribution)), ("feature", .string(r.feature)),
                         ("text", .string(r.text)), ("value", JSONValue(number: r.value))])
            })))
            if let sessionId { members.append(("session_id", .string(sessionId))) }
            if let sessions { members.append(("sessions", JSONValue(number: Double(sessions)))) }
            if let stage { members.append(("stage", .string(stage))) }
            if let topic { members.append(("topic", .string(topic))) }
            return .object(members)
        }
    }

    public let settings: Settings
    public let pseudonymizer: Pseudonymizer
    /// The site's URLs recur in every request: each is checked for personal data once.
    let cleanURLs: CleanURLMemo
    /// … and parsed once (after redaction).
    let pageURLs: PageURLMemo

    public init(settings: Settings, pseudonymizer: Pseudonymizer, cleanURLs: CleanURLMemo = CleanURLMemo(),
                pageURLs: PageURLMemo = PageURLMemo()) {
        self.settings = settings
        self.pseudonymizer = pseudonymizer
        self.cleanURLs = cleanURLs
        self.pageURLs = pageURLs
    }

    static func encode<T: Encodable>(_ value: T) -> [UInt8] {
        Array((try? JSONText.encoder(pretty: false).encode(value)) ?? Data("{}".utf8))
    }

    public static func errorBody(_ status: Int, _ message: String) -> [UInt8] {
        encode(["error": ["status": "\(status)", "message": message]])
    }

    /// The body as a JSON object, parsed by the project's own parser (numbers
    /// kept as text, nesting bounded): Foundation's bridged dictionaries cost
    /// a fifth of a request's time.
    func object(_ body: [UInt8]) throws -> JSONValue {
        guard !body.isEmpty else { throw Failure(400, "empty body: send a JSON object with 'events' or 'features'") }
        var start = 0
        while start < body.count, [0x20, 0x09, 0x0A, 0x0D].contains(body[start]) { start += 1 }
        guard start < body.count, body[start] == UInt8(ascii: "{") else {
            throw Failure(400, start < body.count ? "the body must be a JSON object" : "the body is not valid JSON")
        }
        do { return try body.withUnsafeBufferPointer { try JSONLineParser.parseTree($0) } } catch {
            throw Failure(400, "the body is not valid JSON")
        }
    }

    /// `POST /v1/score`.
    public func score(body: [UInt8], model: ModelHolder.LoadedModel) throws -> [UInt8] {
        Array(try scoreOne(try object(body), model: model).json.jsonText.utf8)
    }

    /// `POST /v1/score/batch`: `{"sessions": [ {...}, … ]}`.
    public func scoreBatch(body: [UInt8], model: ModelHolder.LoadedModel) throws -> [UInt8] {
        let o = try object(body)
        guard case .array(let list)? = o["sessions"] else { throw Failure(400, "a batch is {\"sessions\": [ … ]}, each item as for /v1/score") }
        guard list.count <= settings.maxBatch else { throw Failure(413, "at most \(settings.maxBatch) sessions per batch") }
        var results: [Result] = []
        for (i, item) in list.enumerated() {
            guard case .object = item else { throw Failure(400, "sessions[\(i)] must be a JSON object") }
            let session = item
            do { results.append(try scoreOne(session, model: model)) } catch let f as Failure {
                throw Failure(f.status, "sessions[\(i)]: \(f.message)")
            }
        }
        return Array(JSONValue.object([("results", .array(results.map(\.json)))]).jsonText.utf8)
    }

    func scoreOne(_ o: JSONValue, model m: ModelHolder.LoadedModel) throws -> Result {
        var stage: ContentPlaybook.Stage? = nil
        if let s = o["stage"] {
            guard case .string(let text) = s, let st = ContentPlaybook.Stage(rawValue: text) else { throw Failure(400, "'stage' must be \"before\" or \"after\"") }
            stage = st
        }
        // "reasons": N asks for fewer (or no) reason codes: TreeSHAP costs about 0.25 ms of CPU a session.
        var service = self
        if let r = o["reasons"] {
            guard let d = r.number, d == d.rounded(), d >= 0, d <= Double(settings.reasons) else { throw Failure(400, "'reasons' must be an integer from 0 to \(settings.reasons)") }
            service = ScoringService(settings: { var s = settings; s.reasons = Int(d); return s }(), pseudonymizer: pseudonymizer, cleanURLs: cleanURLs, pageURLs: pageURLs)
        }
        if let events = o["events"] { return try service.scoreEvents(events, stage: stage, model: m) }
        if let features = o["features"] { return try service.scoreRow(features, stage: stage, model: m) }
        throw Failure(400, "give 'events' (one session's events in the canonical format) or 'features' (a feature row)")
    }

    func scoreRow(_ value: JSONValue, stage: ContentPlaybook.Stage?, model m: ModelHolder.LoadedModel) throws -> Result {
        let model = m.classifier, version = m.version, columns = m.columns
        var row = [Float](repeating: .nan, count: columns.count)
        func number(_ v: JSONValue, _ what: String) throws -> Float {
            if v.isNull { return .nan }  // missing: the model's own handling (mean, or the learned default branch)
            guard let d = v.number else { throw Failure(400, "\(what) must be a number") }
            guard d.isFinite, Float(d).isFinite else { throw Failure(400, "\(what) must be a finite number within ±3.4e38") }
            return Float(d)
        }
        if case .array(let list) = value {
            guard list.count == columns.count else { throw Failure(422, "the model takes \(columns.count) features, the row has \(list.count)") }
            for (j, v) in list.enumerated() { row[j] = try number(v, "features[\(j)]") }
        } else if case .object(let map) = value {
            let index = m.columnIndex
            let unknown = Set(map.map(\.0).filter { index[$0] == nil }).sorted()
            guard unknown.isEmpty else { throw Failure(422, "unknown feature(s): \(unknown.prefix(10).joined(separator: ", ")) (GET /v1/model lists the model's)") }
            for (name, v) in map {
                let j = index[name]!
                if let levels = columns[j].levels, case .string(let s) = v {
                    guard let k = levels.firstIndex(of: s) else { throw Failure(422, "feature '\(name)': not one of its \(levels.count) levels") }
                    row[j] = Float(k)
                } else {
                    row[j] = try number(v, "feature '\(name)'")
                }
            }
        } else {
            throw Failure(400, "'features' must be a list of numbers in the model's column order, or an object by feature name")
        }
        let x = Matrix(rows: 1, columns: row.count, storage: row)
        let p = try model.predictProbabilities(x, threads: 1)
        let d = SessionDetails.compute(model: model, x: x, probabilities: p, reasons: settings.reasons, playbook: settings.playbook,
                                       after: [stage == .after], threads: 1)[0]
        return result(model: model, p: p, row: 0, detail: d, sessionID: nil, sessions: nil, version: version)
    }

    func scoreEvents(_ value: JSONValue, stage: ContentPlaybook.Stage?, model m: ModelHolder.LoadedModel) throws -> Result {
        let model = m.classifier
        guard let extractor = m.extractor, let spec = model.featureSpec else {
            throw Failure(422, "this model was trained on a table: send 'features', not events")
        }
        guard case .array(let list) = value, !list.isEmpty else { throw Failure(400, "'events' must be a non-empty list of event objects") }
        guard list.count <= settings.maxEventsPerSession else { throw Failure(413, "at most \(settings.maxEventsPerSession) events per session") }
        var objects: [JSONValue] = []
        objects.reserveCapacity(list.count)
        for (i, item) in list.enumerated() {
            guard case .object(var members) = item else { throw Failure(400, "events[\(i)] must be a JSON object") }
            if item["visitor_id"] == nil { members.append(("visitor_id", .string("anonymous"))) }  // one session: the visitor is implied
            objects.append(.object(members))
        }
        var options = EventReader.Options()
        options.cleanURLs = cleanURLs
        var table = EventTable()
        table.pageURLs = pageURLs
        do {
            _ = try EventReader(options: options, pseudonymizer: pseudonymizer).forEachEvent(objects: objects, name: "events") { table.append($0, visitorPseudonym: $0.visitorId!) }
        } catch let e as InputError {
            // "events:3: …" names the event (1-based) and the field, never the value.
            throw Failure(400, e.description.replacingOccurrences(of: "events:", with: "event "))
        }
        guard table.count > 0 else { throw Failure(422, "no usable event (all refused for consent?)") }
        let sessions = Sessionizer(configuration: spec.sessionizer).sessions(of: table)
        guard sessions.count > 0 else { throw Failure(422, "the events hold no page view") }
        let matrix = extractor.extract(events: table, sessions: sessions, threads: 1, withSegments: false)
        let p = try model.predictProbabilities(matrix.values, threads: 1)
        let last = (0..<sessions.count).max { (sessions.start[$0], $0) < (sessions.start[$1], $1) }!
        let consulted = SessionDetails.afterConsultation(SessionDataset(events: table, sessions: sessions, readSummary: .init(), pseudonymizer: pseudonymizer),
                                                         events: settings.playbook?.consultationEvents ?? ["booking"])
        let after = stage.map { s in Array(repeating: s == .after, count: sessions.count) } ?? consulted
        let d = SessionDetails.compute(model: model, x: matrix.values, probabilities: p, reasons: settings.reasons, playbook: settings.playbook,
                                       after: after, threads: 1)
        return result(model: model, p: p, row: last, detail: d[last], sessionID: matrix.sessionIDs[last], sessions: sessions.count, version: m.version)
    }

    func result(model: any Classifier, p: Matrix<Double>, row r: Int, detail: SessionDetails, sessionID: String?, sessions: Int?, version: String) -> Result {
        var probabilities: [String: Double] = [:]
        for (c, name) in model.classes.enumerated() { probabilities[name] = (p[r, c] * 1e6).rounded() / 1e6 }
        let intent = model.classes[Int(predictedClasses(p)[r])]
        return Result(sessionId: sessionID, sessions: sessions, probabilities: probabilities, intent: intent, topic: detail.topic,
                      stage: detail.stage.rawValue, content: detail.content.map { Content(text: $0.content, url: $0.url) }, reasons: detail.reasons,
                      model: version)
    }

    /// `GET /v1/model`.
    public func modelDescription(_ m: ModelHolder.LoadedModel) -> [UInt8] {
        struct Description: Encodable {
            var kind: String; var version: String; var classes: [String]; var features: [String]; var card: String
        }
        return Self.encode(Description(kind: m.classifier.kind, version: m.version, classes: m.classifier.classes,
                                       features: m.classifier.featureColumns.map(\.name), card: m.classifier.card()))
    }
}
