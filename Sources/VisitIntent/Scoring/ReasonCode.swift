import Foundation

/// One reason a session got its intent: a feature, in words, and how much it
/// pushed the predicted intent (in logit units; positive pushes toward it).
public struct ReasonCode: Codable, Sendable, Equatable {
    public var feature: String
    public var text: String
    public var value: Float
    public var contribution: Double

    /// The `count` columns that pushed class `c` most, strongest first.
    public static func top(_ explanation: Explanation, toward c: Int, classCount: Int, count: Int) -> [ReasonCode] {
        let push = explanation.push(toward: c, classCount: classCount)
        // The `count` largest positive pushes (ties: the lower column first), by
        // insertion into a short list rather than sorting every column.
        var order: [Int] = []
        order.reserveCapacity(count + 1)
        for j in push.indices where push[j] > 1e-9 && count > 0 {
            if order.count == count && push[order[count - 1]] >= push[j] { continue }
            var at = order.count
            while at > 0 && push[order[at - 1]] < push[j] { at -= 1 }
            order.insert(j, at: at)
            if order.count > count { order.removeLast() }
        }
        return order.map { j in
            let column = explanation.columns[j], v = explanation.inputs[j]
            return ReasonCode(feature: column.name, text: phrase(column, v), value: v, contribution: push[j])
        }
    }

    /// The column's label with its value: "2 pricing pages viewed", "arrived from
    /// medical directory", "not: opened the booking page", "deepest scroll (%): 90".
    static func phrase(_ column: FeatureColumn, _ v: Float) -> String {
        if !v.isFinite { return "\(column.label): unknown" }
        let indicator = column.transform == .none && (v == 0 || v == 1) && column.levels == nil
            && !column.name.hasPrefix("hour_") && !column.name.hasPrefix("max_scroll")
        if indicator { return v == 1 ? column.label : "not: \(column.label)" }
        if let levels = column.levels, v >= 0, v < Float(levels.count), v == v.rounded() { return "\(column.name) is \(levels[Int(v)])" }
        let text = v == v.rounded() && abs(v) < 1e7 ? String(Int(v)) : String(format: "%.1f", v)
        // Counts and durations read as "<n> <label>"; other measures as "<label>: <n>".
        return column.transform == .log1p ? "\(text) \(column.label)" : "\(column.label): \(text)"
    }
}
