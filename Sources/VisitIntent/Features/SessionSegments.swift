import LinearAlgebra

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
