import LinearAlgebra

/// Feature vectors of a set of sessions: one `Float32` row per session, in
/// the column order of a `FeatureSpec`, with the ids and segments that go with
/// each row.
public struct FeatureMatrix: Sendable {
    public var columns: [String]
    public var values: Matrix<Float>
    public var sessionIDs: [String]
    /// Pseudonymous visitor ids (never the raw ones).
    public var visitorIDs: [String]
    public var segments: SessionSegments
    /// Session start, epoch milliseconds, for time-ordered outputs.
    public var sessionStart: [Int64]

    public var rows: Int { values.rows }
}

extension FeatureMatrix {
    /// The rows in `indices`, in that order.
    public func subset(_ indices: [Int]) -> FeatureMatrix {
        var storage = [Float](repeating: 0, count: indices.count * values.columns)
        let c = values.columns
        values.storage.withUnsafeBufferPointer { src in
            storage.withUnsafeMutableBufferPointer { dst in
                for (k, i) in indices.enumerated() {
                    for j in 0..<c { dst[k * c + j] = src[i * c + j] }
                }
            }
        }
        return FeatureMatrix(columns: columns, values: Matrix(rows: indices.count, columns: c, storage: storage),
                             sessionIDs: indices.map { sessionIDs[$0] }, visitorIDs: indices.map { visitorIDs[$0] },
                             segments: segments.subset(indices), sessionStart: indices.map { sessionStart[$0] })
    }
}
