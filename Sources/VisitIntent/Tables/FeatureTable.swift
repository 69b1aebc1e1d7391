import Foundation
import LinearAlgebra

/// Data already aggregated one row per session (a spreadsheet export, the UCI
/// Online Shoppers file…): a header, a label column, numeric, boolean and
/// categorical columns.
///
/// Types are inferred from the values: a column whose non-empty cells all
/// parse as numbers is numeric (empty cells are missing, NaN); `TRUE`/`FALSE`
/// (any case) is boolean (1/0); anything else is categorical, its levels
/// ordered by name and stored with the model so that scoring maps the same
/// text to the same code. The delimiter (comma, semicolon or tab) is sniffed.
public struct FeatureTable: Sendable {
    public var columns: [FeatureColumn]
    public var values: Matrix<Float>
    /// The label column's text per row (nil when the table has none).
    public var labels: [String]?
    public var ids: [String]

    public struct Options: Sendable {
        public var labelColumn: String?
        public var idColumn: String?
        public var categorical: Set<String> = []
        public var numeric: Set<String> = []
        /// A categorical column with more distinct values is refused (trees split at most 255 bins).
        public var maxCategories = 255
        public init() {}
    }

    /// Reads a table; with `schema` (a model's columns) the file must have
    /// exactly those feature columns, in any order.
    public static func read(path: String, options: Options, schema: [FeatureColumn]? = nil) throws -> FeatureTable {
        var header: [String]? = nil
        var cells: [[String]] = []
        var delimiter = UInt8(ascii: ",")
        try LineReader(path: path).forEachLine { line, content in
            guard case .text(var bytes) = content else { throw InputError(file: path, line: line, reason: .lineTooLong) }
            if line == 1, bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { bytes = UnsafeBufferPointer(rebasing: bytes[3...]) }
            if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return true }
            if header == nil { delimiter = CSVParser.sniffDelimiter(bytes) }
            let row: [String]
            do { row = try CSVParser.split(bytes, delimiter: delimiter) } catch let f as CSVParser.Failure {
                throw InputError(file: path, line: line, reason: f.reason, detail: f.detail)
            }
            if header == nil { header = row.map { $0.trimmingWhitespace }; return true }
            guard row.count == header!.count else {
                throw InputError(file: path, line: line, reason: .wrongFieldCount, detail: "\(row.count) fields, the header has \(header!.count)")
            }
            cells.append(row)
            return true
        }
        guard let names = header else { throw InputError(file: path, reason: .emptyFile, detail: "the table has no header") }
        guard !cells.isEmpty else { throw InputError(file: path, reason: .emptyFile, detail: "the table has a header but no rows") }
        func index(_ name: String, _ what: String) throws -> Int {
            guard let i = names.firstIndex(of: name) else {
                throw InputError(file: path, line: 1, field: name, reason: .badHeader, detail: "no \(what) column '\(name)' (columns: \(names.joined(separator: ", ")))")
            }
            return i
        }
        let labelIndex = try options.labelColumn.map { try index($0, "label") }
        let idIndex = try options.idColumn.map { try index($0, "id") }
        for name in options.categorical.union(options.numeric) { _ = try index(name, "feature") }
        let featureIndices = names.indices.filter { $0 != labelIndex && $0 != idIndex }
        var columns: [FeatureColumn] = []
        var order = featureIndices
        if let schema {
            let available = Set(featureIndices.map { names[$0] })
            let wanted = schema.map(\.name)
            let missing = wanted.filter { !available.contains($0) }, extra = available.subtracting(wanted).sorted()
            if !missing.isEmpty || !extra.isEmpty {
                throw InputError(file: path, line: 1, reason: .badHeader,
                                 detail: "the columns do not match the model's" + (missing.isEmpty ? "" : "; missing: \(missing.joined(separator: ", "))") + (extra.isEmpty ? "" : "; unexpected: \(extra.joined(separator: ", "))"))
            }
            order = wanted.map { names.firstIndex(of: $0)! }
            columns = schema
        }
        let n = cells.count, d = order.count
        var storage = [Float](repeating: .nan, count: n * d)
        for (k, c) in order.enumerated() {
            let name = names[c]
            let texts = cells.map { $0[c].trimmingWhitespace }
            var column: FeatureColumn
            if let schema { column = schema[k] } else {
                let numbers = texts.map { $0.isEmpty ? Optional(Double.nan) : Double($0) }
                let booleans = texts.allSatisfy { ["true", "false", ""].contains($0.lowercased()) } && texts.contains { !$0.isEmpty }
                if options.categorical.contains(name) || (!options.numeric.contains(name) && !booleans && numbers.contains(where: { $0 == nil })) {
                    let levels = Array(Set(texts.filter { !$0.isEmpty })).sorted()
                    guard levels.count <= options.maxCategories else {
                        throw InputError(file: path, line: 1, field: name, reason: .badValue,
                                         detail: "\(levels.count) categories; at most \(options.maxCategories) (--max-categories; declare it --numeric if it is a number, or drop an identifier-like column)")
                    }
                    column = FeatureColumn(name: name, group: "table", label: name, levels: levels)
                } else {
                    column = FeatureColumn(name: name, group: "table", label: booleans ? "\(name) is true" : name)
                    if booleans { column.levels = nil }
                }
                columns.append(column)
            }
            if let levels = column.levels {
                let codes = Dictionary(uniqueKeysWithValues: levels.enumerated().map { ($1, Float($0)) })
                for r in 0..<n where !texts[r].isEmpty { storage[r * d + k] = codes[texts[r]] ?? .nan }
            } else {
                for r in 0..<n where !texts[r].isEmpty {
                    switch texts[r].lowercased() {
                    case "true": storage[r * d + k] = 1
                    case "false": storage[r * d + k] = 0
                    default:
                        guard let v = Double(texts[r]), v.isFinite, Float(v).isFinite else {
                            throw InputError(file: path, line: r + 2, field: name, reason: .badValue, detail: "expected a number within ±3.4e38")
                        }
                        storage[r * d + k] = Float(v)
                    }
                }
            }
        }
        let labels = labelIndex.map { i in cells.map { $0[i].trimmingWhitespace } }
        if let labels, let bad = labels.firstIndex(where: { $0.isEmpty }) {
            throw InputError(file: path, line: bad + 2, field: names[labelIndex!], reason: .missingField, detail: "empty label")
        }
        let ids = idIndex.map { i in cells.map { $0[i] } } ?? (0..<n).map { "row-\($0 + 1)" }
        return FeatureTable(columns: columns, values: Matrix(rows: n, columns: d, storage: storage), labels: labels, ids: ids)
    }
}

extension FeatureTable {
    /// A float32 `.npy` matrix as written by `intent features --out X.npy`:
    /// column names and transforms from `X.columns.tsv` when present, row ids
    /// and labels from a `session_id,intent` CSV (`X.rows.csv`) in row order.
    public static func readNPY(path: String, rowsPath: String?) throws -> FeatureTable {
        let x = try NPYFile.read(path: path)
        let stem = path.hasSuffix(".npy") ? String(path.dropLast(4)) : path
        var columns = (0..<x.columns).map { FeatureColumn(name: "x\($0)", group: "matrix", label: "column \($0)") }
        if let text = try? String(contentsOfFile: stem + ".columns.tsv", encoding: .utf8) {
            let lines = text.split(separator: "\n")
            guard lines.count == x.columns else {
                throw InputError(file: stem + ".columns.tsv", reason: .badHeader, detail: "\(lines.count) columns listed, the matrix has \(x.columns)")
            }
            columns = lines.map { line in
                let parts = line.split(separator: "\t")
                return FeatureColumn(name: String(parts[0]), group: "matrix", transform: parts.count > 1 && parts[1] == "log1p" ? .log1p : .none, label: String(parts[0]))
            }
        }
        var labels: [String]? = nil
        var ids = (0..<x.rows).map { "row-\($0 + 1)" }
        if let rowsPath {
            let t = try FeatureTable.read(path: rowsPath, options: { var o = Options(); o.labelColumn = "intent"; o.idColumn = "session_id"; return o }())
            guard t.ids.count == x.rows else {
                throw InputError(file: rowsPath, reason: .wrongFieldCount, detail: "\(t.ids.count) rows, the matrix has \(x.rows)")
            }
            labels = t.labels
            ids = t.ids
        }
        return FeatureTable(columns: columns, values: x, labels: labels, ids: ids)
    }
}
