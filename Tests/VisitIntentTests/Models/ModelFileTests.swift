import Foundation
import Testing
import VisitIntent
import VisitIntentTestSupport

@Suite struct ModelFileTests {
    func model() throws -> LogisticRegressionModel {
        let data = TestSupport.syntheticClassification(rows: 200, features: 4, classes: 3, seed: 2)
        return try LogisticRegressionTrainer().fit(data).0
    }

    func written() throws -> (String, [UInt8]) {
        let path = TestSupport.temporaryDirectory("model") + "/m.json"
        try ModelFile.write(try model(), to: path)
        return (path, [UInt8](FileManager.default.contents(atPath: path)!))
    }

    @Test func roundTripIsExact() throws {
        let (path, bytes) = try written()
        let loaded = try ModelFile.load(LogisticRegressionModel.self, path: path)
        #expect(loaded == (try model()))
        #expect(try ModelFile.bytes(loaded) == bytes)
        #expect(try ModelFile.loadClassifier(path: path).kind == "logistic")
        #expect(!FileManager.default.fileExists(atPath: path + ".tmp-\(ProcessInfo.processInfo.processIdentifier)"))
    }

    func expectError(_ bytes: [UInt8], _ check: (ModelFileError) -> Bool) {
        let path = TestSupport.writeBytes(bytes, name: "m.json")
        #expect { try ModelFile.loadClassifier(path: path) } throws: { ($0 as? ModelFileError).map(check) ?? false }
    }

    @Test func corruptionIsCaught() throws {
        var (_, bytes) = try written()
        // Flip one digit inside the payload.
        let i = bytes.lastIndex { $0 >= UInt8(ascii: "1") && $0 <= UInt8(ascii: "8") }!
        bytes[i] += 1
        expectError(bytes) { if case .corrupted(_, let why) = $0 { return why.contains("checksum") } else { return false } }
        let (_, original) = try written()
        expectError(Array(original.prefix(original.count / 2))) { if case .corrupted = $0 { return true } else { return false } }
        expectError(Array("{\"hello\":1}".utf8)) { if case .corrupted = $0 { return true } else { return false } }
    }

    @Test func newerFormatIsRefusedWithTheReason() throws {
        let (_, bytes) = try written()
        let text = String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "\"format_version\":1", with: "\"format_version\":2")
        expectError(Array(text.utf8)) { $0 == .newerFormat($0.path, 2) }
    }

    @Test func unknownKindAndMissingFile() throws {
        let payload = "{\"kind\":\"quantum\"}"
        let bytes = try ModelFile.bytes(["kind": "quantum"])
        _ = payload
        expectError(bytes) { if case .unknownKind(_, "quantum") = $0 { return true } else { return false } }
        #expect(throws: ModelFileError.missing("/nonexistent/m.json")) { try ModelFile.loadClassifier(path: "/nonexistent/m.json") }
    }
}

extension ModelFileError {
    var path: String {
        switch self {
        case .missing(let p), .unreadable(let p), .corrupted(let p, _), .newerFormat(let p, _), .unknownKind(let p, _): return p
        default: return ""
        }
    }
}
