extension FeatureTable {
    /// Writes the table as the models see it: CSV (`id`, one column per
    /// feature with categorical values as their level names, and `intent`
    /// when labelled), or a float32 `.npy` (categories as level indices) with
    /// `NAME.columns.tsv` (name, type, levels) and `NAME.rows.csv` beside it.
    public func write(path: String) throws {
        if path.hasSuffix(".npy") {
            let stem = String(path.dropLast(4))
            try NPYFile.write(values, path: path)
            try AtomicFile.write(path: stem + ".columns.tsv", text: columns.map {
                "\($0.name)\t\($0.levels == nil ? "numeric" : "categorical")\t\(($0.levels ?? []).joined(separator: "|"))\n"
            }.joined())
            var rows = "session_id,intent\n"
            for r in 0..<values.rows { rows += CSVText.quote(ids[r]) + "," + CSVText.quote(labels?[r] ?? "") + "\n" }
            try AtomicFile.write(path: stem + ".rows.csv", text: rows)
            return
        }
        try AtomicFile.write(path: path) { w in
            var bytes = Array(("id," + columns.map { CSVText.quote($0.name) }.joined(separator: ",") + (labels == nil ? "" : ",intent") + "\n").utf8)
            for r in 0..<values.rows {
                bytes += Array(CSVText.quote(ids[r]).utf8)
                for (j, c) in columns.enumerated() {
                    bytes.append(UInt8(ascii: ","))
                    let v = values[r, j]
                    if v.isNaN { continue }
                    if let levels = c.levels { bytes += Array(CSVText.quote(levels[Int(v)]).utf8) } else { CSVText.appendNumber(v, to: &bytes) }
                }
                if let labels { bytes += Array(("," + CSVText.quote(labels[r])).utf8) }
                bytes.append(UInt8(ascii: "\n"))
                if bytes.count > 1 << 20 { try w.write(bytes); bytes.removeAll(keepingCapacity: true) }
            }
            try w.write(bytes)
        }
    }
}
