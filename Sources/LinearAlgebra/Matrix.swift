/// A dense, row-major matrix over contiguous storage.
///
/// Row-major because sessions arrive one at a time and a feature vector is a
/// row: `matrix[row, column]` is `storage[row * columns + column]`. The
/// storage is a plain `Array`, so copies are copy-on-write and a matrix can be
/// handed to BLAS without conversion (see `Matrix+BLAS.swift`).
public struct Matrix<Scalar: BinaryFloatingPoint>: Equatable, Sendable where Scalar: Sendable {
    public let rows: Int
    public let columns: Int
    public var storage: [Scalar]

    /// A `rows × columns` matrix filled with `value`.
    public init(rows: Int, columns: Int, repeating value: Scalar = 0) {
        precondition(rows >= 0 && columns >= 0, "matrix dimensions must be non-negative")
        self.rows = rows
        self.columns = columns
        self.storage = Array(repeating: value, count: rows * columns)
    }

    /// Wraps row-major `storage`; its count must be `rows * columns`.
    public init(rows: Int, columns: Int, storage: [Scalar]) {
        precondition(storage.count == rows * columns, "storage has \(storage.count) values, expected \(rows) × \(columns)")
        self.rows = rows
        self.columns = columns
        self.storage = storage
    }

    public subscript(row: Int, column: Int) -> Scalar {
        get { storage[row * columns + column] }
        set { storage[row * columns + column] = newValue }
    }

    /// A copy of one row.
    public func row(_ index: Int) -> [Scalar] {
        Array(storage[(index * columns)..<((index + 1) * columns)])
    }

    /// The transpose, materialised.
    public var transposed: Matrix {
        var result = Matrix(rows: columns, columns: rows)
        for r in 0..<rows {
            for c in 0..<columns { result.storage[c * rows + r] = storage[r * columns + c] }
        }
        return result
    }
}
