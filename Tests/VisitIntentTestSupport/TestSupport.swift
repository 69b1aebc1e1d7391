import Foundation
import LinearAlgebra
import VisitIntent

/// Shared helpers for the test targets: temporary files, hand-written event
/// lines, closeness checks and seeded random data.
public enum TestSupport {
    /// One directory per test process holding every temporary directory,
    /// removed when the process exits: test runs must not fill /tmp (an
    /// earlier layout left thousands of directories behind).
    static let temporaryRoot: String = {
        let path = NSTemporaryDirectory() + "visitintent-tests-\(getpid())-\(UUID().uuidString.prefix(8))"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: TestSupport.temporaryRoot) }
        return path
    }()

    /// A fresh temporary directory (under `temporaryRoot`).
    public static func temporaryDirectory(_ label: String = "t") -> String {
        let path = temporaryRoot + "/\(label)-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Writes `text` to a new temporary file with `name`; returns its path.
    @discardableResult
    public static func write(_ text: String, name: String = "events.jsonl", in directory: String? = nil) -> String {
        let dir = directory ?? temporaryDirectory()
        let path = (dir as NSString).appendingPathComponent(name)
        try! Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    public static func writeBytes(_ bytes: [UInt8], name: String) -> String {
        let path = (temporaryDirectory() as NSString).appendingPathComponent(name)
        try! Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// A canonical JSON Lines event; `extra` is appended verbatim (`"k":v,…`).
    public static func event(_ visitor: String, _ time: String, _ event: String = "page_view", url: String? = "/", session: String? = nil, extra: String = "") -> String {
        var s = "{\"visitor_id\":\"\(visitor)\",\"timestamp\":\"\(time)\",\"event\":\"\(event)\""
        if let url { s += ",\"url\":\"\(url)\"" }
        if let session { s += ",\"session_id\":\"\(session)\"" }
        if !extra.isEmpty { s += "," + extra }
        return s + "}"
    }

    public static let key = Pseudonymizer(key: Data("test-key".utf8))

    /// Reads events from text into a table (JSON Lines unless `name` says otherwise).
    public static func read(_ text: String, name: String = "events.jsonl", options: EventReader.Options = EventReader.Options()) throws -> (EventTable, EventReader.Summary) {
        let path = write(text, name: name)
        var table = EventTable()
        let summary = try EventReader(options: options, pseudonymizer: key).read(path: path, into: &table)
        return (table, summary)
    }

    /// A generated clinic data set, read and sessionized: (dataset, labels, directory).
    public static func generatedDataset(sessions: Int, seed: UInt64) throws -> (SessionDataset, LabelSet, String) {
        let dir = temporaryDirectory("gen")
        var g = JourneyGenerator.Configuration()
        g.sessions = sessions
        g.seed = seed
        _ = try JourneyGenerator(configuration: g).write(to: dir)
        let data = try SessionDataset.load(paths: [dir + "/events.jsonl"], reader: EventReader(pseudonymizer: key), sessionizer: SessionizerConfiguration())
        var skipped = SkipReport()
        return (data, try LabelSet.read(path: dir + "/labels.csv", skipped: &skipped), dir)
    }

    /// `|a − b| ≤ absolute + relative·max(|a|, |b|)`.
    public static func close(_ a: Double, _ b: Double, absolute: Double = 1e-9, relative: Double = 1e-9) -> Bool {
        abs(a - b) <= absolute + relative * max(abs(a), abs(b))
    }

    /// Seeded random matrix with values in [-1, 1].
    public static func randomMatrix(rows: Int, columns: Int, seed: UInt64) -> Matrix<Float> {
        var rng = SeededGenerator(seed: seed)
        return Matrix(rows: rows, columns: columns, storage: (0..<(rows * columns)).map { _ in Float(rng.uniform() * 2 - 1) })
    }

    /// Labelled data with a linear signal plus noise, `classes` classes.
    public static func syntheticClassification(rows: Int, features: Int, classes: Int, seed: UInt64) -> TrainingData {
        var rng = SeededGenerator(seed: seed)
        let x = randomMatrix(rows: rows, columns: features, seed: seed &+ 1)
        let w = (0..<(features * classes)).map { _ in rng.normal() }
        var y = [Int32](repeating: 0, count: rows)
        for r in 0..<rows {
            var best = 0, bestScore = -Double.infinity
            for c in 0..<classes {
                var s = rng.normal() * 1.5
                for j in 0..<features { s += Double(x[r, j]) * w[j * classes + c] }
                if s > bestScore { bestScore = s; best = c }
            }
            y[r] = Int32(best)
        }
        return TrainingData(x: x, y: y, classes: (0..<classes).map { "c\($0)" })
    }

    /// Path of the shared data sets folder (`../shared/datasets` of the repository), if present.
    public static var sharedDatasets: String? {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        let path = url.deletingLastPathComponent().appendingPathComponent("shared/datasets").path
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    /// The repository root.
    public static var repositoryRoot: String {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }
}
