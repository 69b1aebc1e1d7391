import Foundation
import Testing
import VisitIntentTestSupport

/// The CLI end to end: run the built `intent` binary as a user would.
@Suite(.serialized) struct IntentCommandTests {
    struct Run { var status: Int32; var stdout: String; var stderr: String }

    static var binary: String {
        let dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [dir.appendingPathComponent("intent").path, dir.deletingLastPathComponent().appendingPathComponent("intent").path,
                          TestSupport.repositoryRoot + "/.build/release/intent"] where FileManager.default.isExecutableFile(atPath: candidate) {
            return candidate
        }
        return TestSupport.repositoryRoot + "/.build/release/intent"
    }

    @discardableResult
    func intent(_ arguments: [String], in directory: String? = nil) throws -> Run {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.binary)
        p.arguments = arguments
        if let directory { p.currentDirectoryURL = URL(fileURLWithPath: directory) }
        var env = ProcessInfo.processInfo.environment
        env["INTENT_PSEUDONYM_KEY"] = "cli-test-key"
        p.environment = env
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Run(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    @Test(arguments: ["generate", "convert", "label", "features", "train", "score", "evaluate", "inspect", "audience", "serve"])
    func everyVerbHasHelpWithAnExample(verb: String) throws {
        let r = try intent([verb, "--help"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("Example"))
        #expect(r.stdout.contains("intent \(verb)"))
    }

    @Test func endToEndOnGeneratedData() throws {
        let dir = TestSupport.temporaryDirectory("cli")
        var r = try intent(["generate", "--sessions", "2500", "--seed", "3", "--out", "data", "--quiet"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let common = ["--events", "data/events.jsonl", "--taxonomy", "data/taxonomy.yaml"]
        r = try intent(["train"] + common + ["--labels", "data/labels.csv", "--l2", "0.01", "--out", "m.json", "--summary-json", "s.json", "--quiet"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("validation"))
        // Clearly better than the majority class on held-out visitors.
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/s.json"))) as! [String: Any]
        let validation = summary["validation"] as! [String: Double]
        #expect(validation["macro_f1"]! > 0.55)
        r = try intent(["evaluate", "--model", "m.json", "--labels", "data/labels.csv", "--by", "device,channel", "--report", "eval", "--quiet"] + common, in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let evaluation = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/eval/metrics.json"))) as! [String: Any]
        #expect(evaluation["schema_version"] as? Int == 2)
        let html = try String(contentsOfFile: dir + "/eval/report.html", encoding: .utf8)
        #expect(html.contains("<svg") && !html.contains("<script"))
        r = try intent(["score", "--model", "m.json", "--out", "scores.csv", "--quiet"] + common, in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let lines = try String(contentsOfFile: dir + "/scores.csv", encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2501)
        #expect(lines[0] == "session_id,visitor,p_booking,p_curiosity,p_research,intent")
        for line in lines.dropFirst().prefix(200) {
            let cells = line.split(separator: ",")
            let total = cells[2...4].map { Double($0)! }.reduce(0, +)
            #expect(abs(total - 1) < 1e-5)
        }
        r = try intent(["score", "--model", "m.json", "--level", "visitor", "--out", "visitors.jsonl", "--quiet"] + common, in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        r = try intent(["inspect", "m.json"], in: dir)
        #expect(r.status == 0 && r.stdout.contains("What pushes each class"))
        // No raw visitor id reaches any output.
        let events = try String(contentsOfFile: dir + "/data/events.jsonl", encoding: .utf8)
        let rawIDs = Set(events.split(separator: "\n").prefix(300).compactMap { line -> String? in
            guard let r = line.range(of: "\"visitor_id\":\"") else { return nil }
            return String(line[r.upperBound...].prefix { $0 != "\"" })
        })
        #expect(!rawIDs.isEmpty)
        for file in ["m.json", "scores.csv", "visitors.jsonl", "eval/metrics.json", "eval/report.md", "eval/report.html", "s.json"] {
            let text = try String(contentsOfFile: dir + "/" + file, encoding: .utf8)
            for id in rawIDs { #expect(!text.contains(id), "raw visitor id in \(file)") }
        }
    }

    @Test func clearErrorsOnBadInput() throws {
        let dir = TestSupport.temporaryDirectory("cli-bad")
        _ = try intent(["generate", "--sessions", "400", "--seed", "5", "--out", "data", "--quiet"], in: dir)
        var r = try intent(["score", "--model", "missing.json", "--events", "data/events.jsonl"], in: dir)
        #expect(r.status != 0 && r.stderr.contains("missing.json: no such model file"))
        try Data("{\"checksum\":\"sha256:00\",\"format\":\"other\",\"format_version\":1,\"model\":{}}".utf8).write(to: URL(fileURLWithPath: dir + "/other.json"))
        r = try intent(["inspect", "other.json"], in: dir)
        #expect(r.status != 0 && r.stderr.contains("not a VisitIntent model file"))
        try Data("session_id,intent\nnothing-here,booking\n".utf8).write(to: URL(fileURLWithPath: dir + "/nomatch.csv"))
        r = try intent(["train", "--events", "data/events.jsonl", "--labels", "nomatch.csv", "--out", "m.json", "--quiet"], in: dir)
        #expect(r.status != 0 && r.stderr.contains("matches one of the"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/m.json"))
        r = try intent(["train", "--events", "data/events.jsonl", "--labels", "data/labels.csv", "--validation-split", "1.5", "--out", "m.json"], in: dir)
        #expect(r.status != 0 && r.stderr.contains("--validation-split"))
        // A class seen only in the validation labels.
        let labels = try String(contentsOfFile: dir + "/data/labels.csv", encoding: .utf8).split(separator: "\n")
        let relabelled = labels.enumerated().map { $0.offset == 1 ? $0.element.split(separator: ",")[0] + ",vip" : $0.element }.joined(separator: "\n") + "\n"
        try Data(relabelled.utf8).write(to: URL(fileURLWithPath: dir + "/vip.csv"))
        r = try intent(["train", "--events", "data/events.jsonl", "--labels", "data/labels.csv", "--validation-events", "data/events.jsonl",
                        "--validation-labels", "vip.csv", "--out", "m.json", "--quiet"], in: dir)
        #expect(r.status != 0 && r.stderr.contains("vip") && r.stderr.contains("only in the validation"))
        // A taxonomy given with a model is not silently unused.
        r = try intent(["score", "--model", TestSupport.repositoryRoot + "/models/clinic-logistic.json", "--events", "data/events.jsonl",
                        "--taxonomy", "no-such.yaml", "--out", "s.csv", "--quiet"], in: dir)
        #expect(r.status == 0 && r.stderr.contains("--taxonomy no-such.yaml is ignored"), "\(r.stderr)")
        // Streamed features with nothing usable: an error, and no output left behind.
        try Data("{\"timestamp\":\"yesterday\"}\nnot json\n".utf8).write(to: URL(fileURLWithPath: dir + "/junk.jsonl"))
        r = try intent(["features", "--model", TestSupport.repositoryRoot + "/models/clinic-logistic.json", "--events", "junk.jsonl", "--skip-invalid",
                        "--out", "junk.npy", "--quiet"], in: dir)
        #expect(r.status != 0 && r.stderr.contains("no usable events"), "\(r.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix("junk.") } == ["junk.jsonl"])
        // A wrong model kind for evaluation labels: a model knows its classes.
        _ = try intent(["train", "--events", "data/events.jsonl", "--labels", "data/labels.csv", "--out", "ok.json", "--quiet"], in: dir)
        r = try intent(["evaluate", "--model", "ok.json", "--events", "data/events.jsonl", "--labels", "vip.csv"], in: dir)
        #expect(r.status != 0 && r.stderr.contains("does not know"))
    }

    /// `intent serve` must run its tasks on NIO's event loops. NIO's own
    /// installer silently failed in the static release binary; the server now
    /// checks with a detached task and says which executor it got.
    @Test func serveRunsItsTasksOnTheEventLoops() throws {
        let dir = TestSupport.temporaryDirectory("serve")
        let log = dir + "/serve.log"
        FileManager.default.createFile(atPath: log, contents: nil)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.binary)
        p.arguments = ["serve", "--model", TestSupport.repositoryRoot + "/models/clinic-logistic.json", "--port", "\(20_000 + Int.random(in: 0..<20_000))"]
        p.environment = ProcessInfo.processInfo.environment.merging(["INTENT_PSEUDONYM_KEY": "cli-test-key"]) { $1 }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        defer { try? handle.close() }
        p.standardOutput = handle
        p.standardError = handle
        try p.run()
        defer { p.terminate(); p.waitUntilExit() }
        var text = ""
        for _ in 0..<200 where !text.contains("serving") && p.isRunning {
            Thread.sleep(forTimeInterval: 0.1)
            text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        }
        #expect(text.contains("serving"), "\(text)")
        #expect(text.contains("executor=event loops"), "\(text)")
    }
}
