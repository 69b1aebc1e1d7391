import Foundation
import Testing
import VisitIntentTestSupport

/// Plants raw ids, e-mails, phone numbers, IP addresses and a record number in
/// every input field, runs every verb, and scans every byte written (files,
/// stdout, stderr) for them.
extension IntentCommandTests {
    static let planted = ["jeanne.martin", "example.org", "0612345678", "06 12 34 56 78", "+33 6 12 34 56 78", "192.168.10.77",
                          "2001:db8::42", "99887766", "CRM-", "raw-session-"]

    func plantedDataSet(in dir: String) throws {
        let r = try intent(["generate", "--sessions", "600", "--seed", "5", "--out", "data", "--quiet"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        var visitors: [String: String] = [:], sessions: [String: String] = [:]
        var out = ""
        for (n, line) in try String(contentsOfFile: dir + "/data/events.jsonl", encoding: .utf8).split(separator: "\n").enumerated() {
            var e = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            let v = e["visitor_id"] as! String, s = e["session_id"] as! String
            if visitors[v] == nil { visitors[v] = "CRM-\(visitors.count)-jeanne.martin\(visitors.count)@example.org" }
            if sessions[s] == nil { sessions[s] = "raw-session-\(sessions.count)-0612345678" }
            e["visitor_id"] = visitors[v]; e["session_id"] = sessions[s]
            if let url = e["url"] as? String {
                e["url"] = url + (n % 3 == 0 ? "?email=jeanne.martin@example.org&tel=0612345678&utm_source=news" : n % 3 == 1 ? "/dossier/99887766" : "")
            }
            e["referrer"] = "https://webmail.provider.test/read?to=jeanne.martin@example.org&from=192.168.10.77"
            e["title"] = "Merci Jeanne, nous vous rappelons au 06 12 34 56 78 (+33 6 12 34 56 78)"
            e["search_term"] = "jeanne.martin@example.org 2001:db8::42"
            e["campaign"] = "relance-jeanne.martin@example.org"
            e["city"] = "06 12 34 56 78"
            if n % 2 == 0 { e["region"] = "192.168.10.77" }
            out += String(decoding: try JSONSerialization.data(withJSONObject: e, options: [.sortedKeys]), as: UTF8.self) + "\n"
        }
        try out.write(toFile: dir + "/data/events.jsonl", atomically: true, encoding: .utf8)
        var labels = "session_id,intent\n"
        for line in try String(contentsOfFile: dir + "/data/labels.csv", encoding: .utf8).split(separator: "\n").dropFirst() {
            let cells = line.split(separator: ",")
            labels += "\(sessions[String(cells[0])]!),\(cells[1])\n"
        }
        try labels.write(toFile: dir + "/data/labels.csv", atomically: true, encoding: .utf8)
    }

    @Test func plantedPersonalDataNeverReachesAnOutput() throws {
        let dir = TestSupport.temporaryDirectory("planted")
        try plantedDataSet(in: dir)
        let events = ["--events", "data/events.jsonl", "--taxonomy", "data/taxonomy.yaml"]
        let root = TestSupport.repositoryRoot
        var runs: [Run] = []
        func run(_ args: [String]) throws {
            let r = try intent(args, in: dir)
            #expect(r.status == 0, "\(args.first!): \(r.stderr)")
            runs.append(r)
        }
        try run(["features"] + events + ["--labels", "data/labels.csv", "--out", "out/features.csv"])
        try run(["features"] + events + ["--out", "out/features.npy"])
        try run(["train"] + events + ["--labels", "data/labels.csv", "--out", "out/logistic.json"])
        try run(["train"] + events + ["--labels", "data/labels.csv", "--model", "gbdt", "--rounds", "30", "--calibrate", "temperature", "--out", "out/gbdt.json"])
        try run(["inspect", "out/gbdt.json"])
        try run(["score", "--model", "out/gbdt.json", "--events", "data/events.jsonl", "--reasons", "5", "--playbook", root + "/datasets/clinic-playbook.yaml", "--out", "out/scores.jsonl"])
        try run(["score", "--model", "out/logistic.json", "--events", "data/events.jsonl", "--level", "visitor", "--reasons", "5", "--out", "out/visitors.csv"])
        try run(["evaluate", "--model", "out/logistic.json", "--model", "out/gbdt.json", "--events", "data/events.jsonl", "--labels", "data/labels.csv",
                 "--by", "region,channel,device", "--bootstrap", "20", "--report", "out/report"])
        try run(["label", "--rules", root + "/datasets/clinic-label-rules.yaml"] + events + ["--out", "out/outcome-labels.csv"])
        try run(["convert", "--out", "out/converted.jsonl", "data/events.jsonl"])
        try run(["audience", "--model", "out/gbdt.json", "--events", "data/events.jsonl", "--playbook", root + "/datasets/clinic-playbook.yaml",
                 "--min-group-size", "5", "--report", "out/audience"])
        // Every byte written: files and console.
        var scanned = 0
        let files = FileManager.default.enumerator(atPath: dir + "/out")!.compactMap { $0 as? String }
        for file in files {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: dir + "/out/" + file, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: dir + "/out/" + file)), as: UTF8.self)
            scanned += 1
            for p in Self.planted where text.contains(p) { Issue.record("\(file) contains \(p)") }
        }
        #expect(scanned >= 12)
        for r in runs { for p in Self.planted where r.stdout.contains(p) || r.stderr.contains(p) { Issue.record("console contains \(p)") } }
    }

    @Test func limitsLeaveOutAndCountRobots() throws {
        let dir = TestSupport.temporaryDirectory("limits")
        var lines = ""
        // A crawler: 40 sessions of 3 pages; a person: one session; a runaway tag: 60 events in one session.
        for s in 0..<40 { for p in 0..<3 { lines += TestSupport.event("bot", "2026-09-0\(1 + s / 10)T\(10 + s % 10):0\(p):00Z", url: "/p\(p)", session: "b\(s)") + "\n" } }
        lines += TestSupport.event("person", "2026-09-01T10:00:00Z", url: "/tarifs", session: "p1") + "\n"
        for i in 0..<60 { lines += TestSupport.event("tag", "2026-09-01T11:00:\(String(format: "%02d", i))Z", url: "/", session: "t1") + "\n" }
        try lines.write(toFile: dir + "/e.jsonl", atomically: true, encoding: .utf8)
        let r = try intent(["features", "--events", "e.jsonl", "--max-sessions-per-visitor", "30", "--max-events-per-session", "50", "--out", "f.csv"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("1 session(s) with more than 50 events left out"))
        #expect(r.stderr.contains("1 visitor(s) with more than 30 sessions left out"))
        #expect(try String(contentsOfFile: dir + "/f.csv", encoding: .utf8).split(separator: "\n").count == 2)  // header + the person
    }
}
