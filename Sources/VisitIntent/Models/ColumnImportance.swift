/// How much each input column matters to a model, for reports and cards.
public struct ColumnImportance: Codable, Sendable, Equatable {
    /// What the numbers are (e.g. "total split gain").
    public var measure: String
    /// One value per input column, in `featureColumns` order, non-negative.
    public var values: [Double]

    public init(measure: String, values: [Double]) {
        self.measure = measure
        self.values = values
    }

    /// The `count` largest, as (column index, share of the total), largest first.
    public func top(_ count: Int) -> [(Int, Double)] {
        let total = values.reduce(0, +)
        guard total > 0 else { return [] }
        return values.enumerated().sorted { ($0.element, $1.offset) > ($1.element, $0.offset) }.prefix(count).filter { $0.element > 0 }.map { ($0.offset, $0.element / total) }
    }
}

extension LogisticRegressionModel {
    /// Mean absolute coefficient over logits on standardised features,
    /// summed over a categorical column's levels.
    public func columnImportance() -> ColumnImportance {
        var values = [Double](repeating: 0, count: featureColumns.count)
        let widths = featureColumns.map { oneHot == nil ? 1 : ($0.levels?.count ?? 1) }
        var j = 0
        for (c, width) in widths.enumerated() {
            for _ in 0..<width {
                values[c] += weights.reduce(0) { $0 + abs($1[j]) } / Double(weights.count)
                j += 1
            }
        }
        return ColumnImportance(measure: "mean |coefficient| on standardised features", values: values)
    }
}

extension GradientBoostingModel {
    public func columnImportance() -> ColumnImportance {
        ColumnImportance(measure: "total split gain", values: featureImportance().gain)
    }
}
