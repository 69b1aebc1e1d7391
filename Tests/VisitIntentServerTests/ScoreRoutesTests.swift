import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import VisitIntent
import VisitIntentServer
import VisitIntentTestSupport

@Suite struct ScoreRoutesTests {
    static let root = TestSupport.repositoryRoot
    static let events = """
        {"events":[
          {"visitor_id":"alice@example.com","timestamp":"2026-11-30T10:00:00+01:00","event":"page_view","url":"/acide-hyaluronique/levres","device":"mobile"},
          {"visitor_id":"alice@example.com","timestamp":"2026-11-30T10:02:00+01:00","event":"page_view","url":"/tarifs/acide-hyaluronique"},
          {"visitor_id":"alice@example.com","timestamp":"2026-11-30T10:04:30+01:00","event":"page_view","url":"/avant-apres/levres"}
        ]}
        """

    static func app(modelPath: String = root + "/models/clinic-logistic.json", maxBody: Int = 1 << 16) throws -> (some ApplicationProtocol, ModelHolder) {
        let holder = try ModelHolder(path: modelPath)
        var settings = ScoringService.Settings()
        settings.playbook = try ContentPlaybook.load(path: root + "/datasets/clinic-playbook.yaml")
        var limits = ScoreRoutes.Limits()
        limits.maxBodyBytes = maxBody
        let router = ScoreRoutes.router(model: holder, service: ScoringService(settings: settings, pseudonymizer: TestSupport.key), metrics: ServerMetrics(), limits: limits)
        return (Application(router: router), holder)
    }

    static func json(_ b: ByteBuffer) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(b.readableBytesView))) as? [String: Any] ?? [:]
    }

    @Test func scoresOneSessionWithReasonsAndContent() async throws {
        let (app, _) = try Self.app()
        try await app.test(.router) { client in
            try await client.execute(uri: "/v1/score", method: .post, body: ByteBuffer(string: Self.events)) { r in
                #expect(r.status == .ok)
                let o = Self.json(r.body)
                let p = o["probabilities"] as! [String: Double]
                #expect(Set(p.keys) == ["booking", "curiosity", "research"])
                #expect(abs(p.values.reduce(0, +) - 1) < 1e-4)
                #expect(p[o["intent"] as! String] == p.values.max())
                #expect((o["reasons"] as! [Any]).count == 3)
                #expect((o["content"] as? [String: Any])?["text"] != nil)
                #expect(o["topic"] as? String == "hyaluronic-acid")
                // The raw visitor id never comes back; the session id is a pseudonym.
                let text = String(buffer: r.body)
                #expect(!text.contains("alice") && (o["session_id"] as! String).count >= 32)
            }
            try await client.execute(uri: "/healthz", method: .get) { r in #expect(r.status == .ok) }
            try await client.execute(uri: "/v1/model", method: .get) { r in
                #expect(Self.json(r.body)["kind"] as? String == "logistic")
            }
            try await client.execute(uri: "/metrics", method: .get) { r in
                let text = String(buffer: r.body)
                #expect(text.contains("visitintent_http_requests_total{status=\"200\"}"))
                #expect(text.contains("visitintent_http_request_duration_seconds_bucket{le=\"+Inf\"}"))
                #expect(text.contains("visitintent_model_info{kind=\"logistic\""))
            }
        }
    }

    @Test func featureRowsAndBatches() async throws {
        let (app, holder) = try Self.app()
        let width = holder.model.classifier.featureColumns.count
        let row = "[" + Array(repeating: "0", count: width).joined(separator: ",") + "]"
        try await app.test(.router) { client in
            try await client.execute(uri: "/v1/score", method: .post, body: ByteBuffer(string: "{\"features\":\(row)}")) { r in #expect(r.status == .ok) }
            try await client.execute(uri: "/v1/score", method: .post, body: ByteBuffer(string: "{\"features\":\(row),\"reasons\":0}")) { r in
                #expect(r.status == .ok && (Self.json(r.body)["reasons"] as? [Any])?.isEmpty == true)
            }
            try await client.execute(uri: "/v1/score", method: .post, body: ByteBuffer(string: "{\"features\":[1,2,3]}")) { r in
                #expect(r.status == .unprocessableContent)
                #expect((Self.json(r.body)["error"] as? [String: Any])?["message"] as? String == "the model takes \(width) features, the row has 3")
            }
            // By name, the values land in their columns: the same scores as the list with nulls elsewhere.
            var byName: Any?
            try await client.execute(uri: "/v1/score", method: .post, body: ByteBuffer(string: "{\"features\":{\"page_views\":3,\"channel:medical_directory\":1}}")) { r in
                #expect(r.status == .ok)
                byName = Self.json(r.body)["probabilities"]
            }
            let names = holder.model.classifier.featureColumns.map(\.name)
            var list = Array(repeating: "null", count: width)
            list[try #require(names.firstIndex(of: "page_views"))] = "3"
            list[try #require(names.firstIndex(of: "channel:medical_directory"))] = "1"
            try await client.execute(uri: "/v1/score", method: .post, body: ByteBuffer(string: "{\"features\":[\(list.joined(separator: ","))]}")) { r in
                #expect(r.status == .ok)
                let inOrder = Self.json(r.body)["probabilities"] as? [String: Double]
                #expect(inOrder != nil && inOrder == byName as? [String: Double])
            }
            let batch = "{\"sessions\":[\(Self.events),{\"features\":\(row)}]}"
            try await client.execute(uri: "/v1/score/batch", method: .post, body: ByteBuffer(string: batch)) { r in
                #expect(r.status == .ok)
                #expect((Self.json(r.body)["results"] as? [Any])?.count == 2)
            }
        }
    }

    @Test(arguments: [
        ("{not json", 400),
        ("[1,2]", 400),
        ("{}", 400),
        ("{\"events\":[]}", 400),
        ("{\"events\":[{\"timestamp\":\"yesterday\",\"event\":\"page_view\",\"url\":\"/\"}]}", 400),
        ("{\"events\":[{\"timestamp\":\"2026-11-30T10:00:00Z\",\"event\":\"scroll\"}]}", 422),
        ("{\"events\":[{\"timestamp\":\"2026-11-30T10:00:00Z\",\"event\":\"page_view\",\"url\":\"/\"}],\"stage\":\"during\"}", 400),
        ("{\"features\":\"abc\"}", 400),
        ("{\"features\":{\"no_such_feature\":1}}", 422),
        ("{\"sessions\":[{\"features\":[1]}]}", 400),
    ])
    func badRequestsGetJSONErrors(body: String, status: Int) async throws {
        let (app, _) = try Self.app()
        try await app.test(.router) { client in
            let uri = body.hasPrefix("{\"sessions\"") ? "/v1/score/batch" : "/v1/score"
            try await client.execute(uri: uri, method: .post, body: ByteBuffer(string: body)) { r in
                let expected = uri.hasSuffix("batch") ? 422 : status
                #expect(Int(r.status.code) == expected)
                let error = Self.json(r.body)["error"] as? [String: Any]
                #expect(error?["message"] is String)
            }
        }
    }

    @Test func oversizedBodiesAndUnknownRoutes() async throws {
        let (app, _) = try Self.app(maxBody: 2_048)
        try await app.test(.router) { client in
            try await client.execute(uri: "/v1/score", method: .post, body: ByteBuffer(string: String(repeating: " ", count: 10_000))) { r in
                #expect(r.status == .contentTooLarge)
            }
            try await client.execute(uri: "/v2/nothing", method: .get) { r in
                #expect(r.status == .notFound)
                #expect(Self.json(r.body)["error"] != nil)
            }
        }
    }

    @Test func eventsToATableModelAreRefused() async throws {
        let data = TestSupport.syntheticClassification(rows: 300, features: 4, classes: 2, seed: 1)
        let outcome = try TrainingJob.fit(data, validation: nil, featureSpec: nil, model: .logistic(LogisticRegressionConfiguration()), seed: 1, threads: 1)
        let path = TestSupport.temporaryDirectory() + "/table.json"
        try ModelFile.write(outcome.model, to: path)
        let (app, _) = try Self.app(modelPath: path)
        try await app.test(.router) { client in
            try await client.execute(uri: "/v1/score", method: .post, body: ByteBuffer(string: Self.events)) { r in
                #expect(r.status == .unprocessableContent)
            }
            try await client.execute(uri: "/v1/score", method: .post, body: ByteBuffer(string: "{\"features\":[0.1,0.2,0.3,0.4]}")) { r in
                #expect(r.status == .ok)
            }
        }
    }

    @Test func reloadUnderConcurrentRequestsLosesNoRequest() async throws {
        let dir = TestSupport.temporaryDirectory()
        let path = dir + "/model.json"
        let logistic = try Data(contentsOf: URL(fileURLWithPath: Self.root + "/models/clinic-logistic.json"))
        let trees = try Data(contentsOf: URL(fileURLWithPath: Self.root + "/models/clinic-gbdt.json"))
        try logistic.write(to: URL(fileURLWithPath: path))
        let (app, holder) = try Self.app(modelPath: path)
        let first = holder.model.version
        let versions = try await app.test(.router) { client in
            var versions = Set<String>()
            for wave in 0..<4 {
                try await withThrowingTaskGroup(of: (Int, String).self) { group in
                    for i in 0..<50 {
                        group.addTask {
                            try await client.execute(uri: "/v1/score", method: .post, body: ByteBuffer(string: Self.events)) { r in
                                (Int(r.status.code), Self.json(r.body)["model"] as? String ?? "")
                            }
                        }
                        if i == 25 {
                            // Swap the file atomically, as a deploy would, and reload while requests run.
                            try (wave % 2 == 0 ? trees : logistic).write(to: URL(fileURLWithPath: path + ".new"))
                            _ = rename(path + ".new", path)
                            #expect(holder.reload())
                        }
                    }
                    for try await (status, version) in group {
                        #expect(status == 200)  // no request lost or failed across the swap
                        versions.insert(version)
                    }
                }
            }
            return versions
        }
        #expect(versions.count == 2 && holder.reloads.ok == 4)
        let before = holder.model.version
        #expect(before != first || holder.reloads.ok >= 2)
        try Data("{\"broken\":".utf8).write(to: URL(fileURLWithPath: path))
        #expect(!holder.reload())
        #expect(holder.model.version == before)  // the bad file is refused, the old model kept
        #expect(holder.reloads.failed == 1)
    }
}
