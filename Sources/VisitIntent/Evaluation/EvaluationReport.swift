import Foundation
import LinearAlgebra

/// What `metrics.json` holds: the evaluation of each model, schema version 2.
public struct EvaluationReport: Codable, Sendable {
    public var schemaVersion = Evaluation.schemaVersion
    public var models: [Evaluation]

    public init(evaluations: [Evaluation]) { models = evaluations }

    enum CodingKeys: String, CodingKey { case schemaVersion = "schema_version", models }

    /// Deterministic JSON: sorted keys, fixed float formatting from the encoder.
    public func json() throws -> [UInt8] {
        Array(try JSONText.encoder(pretty: true).encode(self)) + [0x0A]
    }
}
