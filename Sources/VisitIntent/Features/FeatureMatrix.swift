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

/// A categorical value per session (device, channel, landing kind…), for
/// per-segment evaluation. Stored as codes into `levels`.
public struct CategoricalColumn: Sendable, Equatable {
    public var levels: [String]
    public var codes: [UInt16]

    public init(levels: [String], codes: [UInt16]) {
        self.levels = levels
        self.codes = codes
    }

    public func value(_ row: Int) -> String { levels[Int(codes[row])] }
}

/// The segment dimensions every session is described by.
public struct SessionSegments: Sendable {
    public static let dimensions = ["device", "channel", "visitor_type", "age_band", "gender", "region", "landing_kind", "landing_topic", "weekday"]
    public var columns: [String: CategoricalColumn]

    public subscript(dimension: String) -> CategoricalColumn? { columns[dimension] }

    /// The rows in `indices`, for subsets (train/validation splits).
    public func subset(_ indices: [Int]) -> SessionSegments {
        SessionSegments(columns: columns.mapValues { column in CategoricalColumn(levels: column.levels, codes: indices.map { column.codes[$0] }) })
    }
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
