import LinearAlgebra

/// Expands categorical columns (a value is a level's index) into one
/// indicator column per level, for linear models: a category code has no
/// order a coefficient could use. Numeric columns pass through unchanged. A
/// missing (NaN) or unknown code gives all zeros, so it scores as the
/// average category after standardisation.
public struct OneHotEncoder: Codable, Sendable, Equatable {
    /// The columns the model takes.
    public let inputColumns: [FeatureColumn]

    public init(inputColumns: [FeatureColumn]) { self.inputColumns = inputColumns }

    enum CodingKeys: String, CodingKey { case inputColumns = "input_columns" }

    /// The columns after expansion, named `column=level`.
    public var outputColumns: [FeatureColumn] {
        inputColumns.flatMap { c -> [FeatureColumn] in
            guard let levels = c.levels else { return [c] }
            return levels.map { FeatureColumn(name: "\(c.name)=\($0)", group: c.group, label: "\(c.name) is \($0)") }
        }
    }

    public func expand(_ x: Matrix<Float>) -> Matrix<Float> {
        precondition(x.columns == inputColumns.count, "one input column per encoder column")
        let widths = inputColumns.map { $0.levels?.count ?? 1 }
        let outWidth = widths.reduce(0, +)
        var out = [Float](repeating: 0, count: x.rows * outWidth)
        for r in 0..<x.rows {
            var o = r * outWidth
            for (j, c) in inputColumns.enumerated() {
                let v = x.storage[r * x.columns + j]
                if c.levels == nil { out[o] = v } else if !v.isNaN, v >= 0, v < Float(widths[j]), v == v.rounded() {
                    out[o + Int(v)] = 1
                }
                o += widths[j]
            }
        }
        return Matrix(rows: x.rows, columns: outWidth, storage: out)
    }
}
