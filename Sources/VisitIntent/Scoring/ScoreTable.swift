import Foundation
import LinearAlgebra

/// Scores of sessions: ids, class probabilities and predicted intent.
public struct ScoreTable: Sendable {
    public var classes: [String]
    public var sessionIDs: [String]
    public var visitorIDs: [String]
    public var sessionStart: [Int64]
    public var probabilities: Matrix<Double>

    public var predicted: [Int32] { predictedClasses(probabilities) }

    public init(classes: [String], sessionIDs: [String], visitorIDs: [String], sessionStart: [Int64], probabilities: Matrix<Double>) {
        self.classes = classes
        self.sessionIDs = sessionIDs
        self.visitorIDs = visitorIDs
        self.sessionStart = sessionStart
        self.probabilities = probabilities
    }

    /// Scores every session of `data` with `model`, rebuilding features with the model's spec.
    public static func score(model: any Classifier, data: SessionDataset, prefix: SessionPrefix = .all, eventLimits: [Int]? = nil,
                             threads: Int = Parallel.defaultThreads) throws -> (ScoreTable, FeatureMatrix) {
        let matrix = try FeatureExtractor(spec: model.requireFeatureSpec()).extract(events: data.events, sessions: data.sessions, prefix: prefix,
                                                                                    eventLimits: eventLimits, threads: threads)
        let p = try model.predictProbabilities(matrix.values, threads: threads)
        return (ScoreTable(classes: model.classes, sessionIDs: matrix.sessionIDs, visitorIDs: matrix.visitorIDs, sessionStart: matrix.sessionStart, probabilities: p), matrix)
    }

    public enum Level: String, Sendable, CaseIterable { case session, visitor }
    public enum Format: String, Sendable { case csv, jsonl }

    /// Writes one row per session, or per visitor (latest session's scores,
    /// and the highest probability of each class over the visitor's sessions).
    public func write(path: String, format: Format, level: Level) throws {
        try AtomicFile.write(path: path) { try write(to: $0, format: format, level: level) }
    }

    public func write(to out: AtomicFile.Writer, format: Format, level: Level) throws {
        do {
            var buffer = ""
            func flush(_ force: Bool = false) throws {
                if force || buffer.utf8.count > 1 << 20 { try out.write(buffer); buffer = "" }
            }
            let predicted = self.predicted
            let k = classes.count
            func number(_ v: Double) -> String { String(format: "%.6f", v) }
            switch level {
            case .session:
                if format == .csv {
                    buffer += "session_id,visitor," + classes.map { CSVText.quote("p_" + $0) }.joined(separator: ",") + ",intent\n"
                }
                for r in 0..<sessionIDs.count {
                    let ps = (0..<k).map { number(probabilities[r, $0]) }
                    if format == .csv {
                        buffer += CSVText.quote(sessionIDs[r]) + "," + visitorIDs[r] + "," + ps.joined(separator: ",") + "," + CSVText.quote(classes[Int(predicted[r])]) + "\n"
                    } else {
                        buffer += "{\"session_id\":\(JSONText.quote(sessionIDs[r])),\"visitor\":\"\(visitorIDs[r])\",\"probabilities\":{"
                        buffer += (0..<k).map { "\(JSONText.quote(classes[$0])):\(ps[$0])" }.joined(separator: ",")
                        buffer += "},\"intent\":\(JSONText.quote(classes[Int(predicted[r])]))}\n"
                    }
                    try flush()
                }
            case .visitor:
                var latest: [String: Int] = [:]
                var maxima: [String: [Double]] = [:]
                var sessionCount: [String: Int] = [:]
                var order: [String] = []
                for r in 0..<sessionIDs.count {
                    let v = visitorIDs[r]
                    if latest[v] == nil { order.append(v) }
                    if latest[v] == nil || sessionStart[r] >= sessionStart[latest[v]!] { latest[v] = r }
                    var m = maxima[v] ?? Array(repeating: 0, count: k)
                    for c in 0..<k { m[c] = max(m[c], probabilities[r, c]) }
                    maxima[v] = m
                    sessionCount[v, default: 0] += 1
                }
                if format == .csv {
                    buffer += "visitor,sessions,latest_session_id," + classes.map { CSVText.quote("p_" + $0) }.joined(separator: ",") + ",intent,"
                    buffer += classes.map { CSVText.quote("max_p_" + $0) }.joined(separator: ",") + "\n"
                }
                for v in order {
                    let r = latest[v]!
                    let ps = (0..<k).map { number(probabilities[r, $0]) }
                    let ms = maxima[v]!.map(number)
                    if format == .csv {
                        buffer += "\(v),\(sessionCount[v]!),\(CSVText.quote(sessionIDs[r])),\(ps.joined(separator: ",")),\(CSVText.quote(classes[Int(predicted[r])])),\(ms.joined(separator: ","))\n"
                    } else {
                        buffer += "{\"visitor\":\"\(v)\",\"sessions\":\(sessionCount[v]!),\"latest_session_id\":\(JSONText.quote(sessionIDs[r])),\"probabilities\":{"
                        buffer += (0..<k).map { "\(JSONText.quote(classes[$0])):\(ps[$0])" }.joined(separator: ",")
                        buffer += "},\"intent\":\(JSONText.quote(classes[Int(predicted[r])])),\"max_probabilities\":{"
                        buffer += (0..<k).map { "\(JSONText.quote(classes[$0])):\(ms[$0])" }.joined(separator: ",")
                        buffer += "}}\n"
                    }
                    try flush()
                }
            }
            try flush(true)
        }
    }
}

/// JSON string quoting for hand-written JSON Lines.
public enum JSONText {
    public static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 { out += String(format: "\\u%04x", u.value) } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }
}
