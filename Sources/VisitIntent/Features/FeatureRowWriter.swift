/// The chunk output of `intent features --model`: each chunk's feature rows
/// appended as they come, so the matrix is never held whole. CSV rows as
/// `FeatureMatrix.writeCSV` writes them; or a float32 `.npy`, whose header
/// leaves room for any row count and is given the final one by `finish`, with
/// its rows' ids and intents in a CSV beside it.
public final class FeatureRowWriter: ChunkOutput {
    public enum Destination {
        case csv(AtomicFile.Writer)
        /// The matrix, and `session_id,intent` per row.
        case npy(AtomicFile.Writer, rows: AtomicFile.Writer)
    }

    let destination: Destination
    let columns: [String]
    /// The intent of a session (by pseudonymous id), for an intent column; nil: no such column.
    let label: ((String) -> String?)?
    public private(set) var rows = 0
    /// Rows that got an intent.
    public private(set) var labelled = 0
    /// Digits kept for the row count in the `.npy` header: any `Int`.
    static let rowWidth = 20
    private var bytes: [UInt8] = []

    public init(_ destination: Destination, columns: [String], label: ((String) -> String?)? = nil) throws {
        self.destination = destination
        self.columns = columns
        self.label = label
        switch destination {
        case .csv(let out):
            try out.write(FeatureMatrix.csvHeader(columns: columns, labelled: label != nil))
        case .npy(let out, let ids):
            try out.write(NPYFile.header(rows: 0, columns: columns.count, rowWidth: Self.rowWidth))
            try ids.write("session_id,intent\n")
        }
        bytes.reserveCapacity(1 << 20)
    }

    public func write(_ matrix: FeatureMatrix, after: [Bool]) throws {
        precondition(matrix.values.columns == columns.count, "rows of the writer's width")
        let intents = matrix.sessionIDs.map { id in label.flatMap { $0(id) } }
        labelled += intents.lazy.filter { $0 != nil }.count
        rows += matrix.rows
        switch destination {
        case .csv(let out):
            for r in 0..<matrix.rows {
                matrix.appendCSVRow(r, labelled: label != nil, label: intents[r], to: &bytes)
                if bytes.count > 1 << 20 { try out.write(bytes); bytes.removeAll(keepingCapacity: true) }
            }
            try out.write(bytes)
        case .npy(let out, let ids):
            try matrix.values.storage.withUnsafeBytes { try out.write(Array($0)) }
            for (id, intent) in zip(matrix.sessionIDs, intents) {
                CSVText.append(id, to: &bytes)
                bytes.append(UInt8(ascii: ","))
                if let intent { CSVText.append(intent, to: &bytes) }
                bytes.append(UInt8(ascii: "\n"))
            }
            try ids.write(bytes)
        }
        bytes.removeAll(keepingCapacity: true)
    }

    public func finish() throws {
        if case .npy(let out, _) = destination {
            try out.rewrite(at: 0, NPYFile.header(rows: rows, columns: columns.count, rowWidth: Self.rowWidth))
        }
    }
}
