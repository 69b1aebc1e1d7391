import Crypto
import Foundation
import LinearAlgebra
import Logging
import VisitIntent

/// The model the service scores with, swapped atomically on reload: a
/// request takes the current `LoadedModel` once and finishes with it, so
/// requests in flight during a reload finish on the old model.
public final class ModelHolder: @unchecked Sendable {
    /// A model ready to score, with what scoring needs prepared once.
    public struct LoadedModel: Sendable {
        public let classifier: any Classifier
        public let extractor: FeatureExtractor?
        /// `sha256:` and the first 16 hex digits of the file's bytes.
        public let version: String
        /// The model's feature columns, and each one's index by name (a feature row
        /// sent as an object): built per request, they were a tenth of its CPU.
        public let columns: [FeatureColumn]
        public let columnIndex: [String: Int]
    }

    public let path: String
    private var current: LoadedModel
    private let lock = NSLock()
    private let logger: Logger
    private var reloadCounts = (ok: 0, failed: 0)

    /// Reloads so far, by result.
    public var reloads: (ok: Int, failed: Int) {
        lock.lock(); defer { lock.unlock() }
        return reloadCounts
    }

    public init(path: String, logger: Logger = Logger(label: "visitintent.model")) throws {
        self.path = path
        self.logger = logger
        current = try ModelHolder.load(path)
    }

    static func load(_ path: String) throws -> LoadedModel {
        guard let bytes = FileManager.default.contents(atPath: path) else {
            throw ModelFileError.invalid("cannot read \(path)")
        }
        let classifier = try ModelFile.loadClassifier(data: bytes, path: path)  // the same bytes as the version below
        let extractor = try classifier.featureSpec.map { try FeatureExtractor(spec: $0) }
        let digest = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
        let columns = classifier.featureColumns
        // One row scored and explained now, before the model is swapped in: what a model
        // builds on first use (the trees' flat copy, TreeSHAP's tables) is not built by the
        // first request, under a lock the other requests would wait on (5 ms for the clinic's trees).
        let row = [Float](repeating: .nan, count: columns.count)
        _ = try? classifier.predictProbabilities(Matrix(rows: 1, columns: row.count, storage: row), threads: 1)
        _ = classifier.explain(row)
        return LoadedModel(classifier: classifier, extractor: extractor, version: "sha256:" + digest.prefix(16), columns: columns,
                           columnIndex: Dictionary(columns.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first }))
    }

    public var model: LoadedModel {
        lock.lock(); defer { lock.unlock() }
        return current
    }

    /// Reads the model file again; a bad file is refused and the old model kept.
    @discardableResult
    public func reload() -> Bool {
        do {
            let fresh = try ModelHolder.load(path)
            lock.lock()
            let old = current.version
            current = fresh
            reloadCounts.ok += 1
            lock.unlock()
            logger.info("model reloaded", metadata: ["from": "\(old)", "to": "\(fresh.version)"])
            return true
        } catch {
            lock.lock(); reloadCounts.failed += 1; lock.unlock()
            logger.error("model reload refused, keeping the current model", metadata: ["reason": "\(error)"])
            return false
        }
    }
}
