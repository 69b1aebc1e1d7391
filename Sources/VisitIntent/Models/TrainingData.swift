import Crypto
import LinearAlgebra

/// Labelled feature rows ready for a trainer: `x` (rows × features, Float32),
/// class codes `y` into `classes`, and optional per-row weights.
public struct TrainingData: Sendable {
    public var x: Matrix<Float>
    public var y: [Int32]
    public var classes: [String]
    public var sampleWeights: [Double]?
    /// The columns (names, and transforms for linear models).
    public var columns: [FeatureColumn]

    public init(x: Matrix<Float>, y: [Int32], classes: [String], sampleWeights: [Double]? = nil, columns: [FeatureColumn]? = nil) {
        precondition(x.rows == y.count, "one label per row")
        precondition(columns == nil || columns!.count == x.columns, "one column description per feature")
        self.x = x
        self.y = y
        self.classes = classes
        self.sampleWeights = sampleWeights
        self.columns = columns ?? (0..<x.columns).map { FeatureColumn(name: "x\($0)", group: "input", label: "feature x\($0)") }
    }

    public var transforms: [FeatureColumn.Transform] { columns.map(\.transform) }

    public var rows: Int { x.rows }

    /// Rows per class, in `classes` order.
    public var classCounts: [Int] {
        var counts = [Int](repeating: 0, count: classes.count)
        for c in y { counts[Int(c)] += 1 }
        return counts
    }

    /// A fingerprint of the data: SHA-256 of the feature bytes, labels and weights.
    /// Two runs on the same data give the same fingerprint; any change gives another.
    public var fingerprint: String {
        var h = SHA256()
        withUnsafeBytes(of: Int64(x.rows).littleEndian) { h.update(bufferPointer: $0) }
        withUnsafeBytes(of: Int64(x.columns).littleEndian) { h.update(bufferPointer: $0) }
        x.storage.withUnsafeBytes { h.update(bufferPointer: $0) }
        y.withUnsafeBytes { h.update(bufferPointer: $0) }
        for c in classes { h.update(data: Array(c.utf8) + [0]) }
        if let w = sampleWeights { w.withUnsafeBytes { h.update(bufferPointer: $0) } }
        return "sha256:" + Hex.encode(h.finalize())
    }
}
