import ArgumentParser
import VisitIntent

/// Options for data already aggregated one row per session.
struct TableOptions: ParsableArguments {
    @Option(help: ArgumentHelp("A table, one row per session (CSV with a header; comma, semicolon or tab).", valueName: "file")) var table: String?
    @Option(help: ArgumentHelp("The table's label column.", valueName: "column")) var label: String?
    @Option(name: .customLong("matrix"), help: ArgumentHelp("A float32 .npy feature matrix (as `intent features --out X.npy` writes), with --labels giving session_id,intent per row.", valueName: "file")) var features: String?
    @Option(help: ArgumentHelp("The table's id column, kept through to the scores.", valueName: "column")) var idColumn: String?
    @Option(help: ArgumentHelp("Columns to treat as categorical, comma-separated.", valueName: "a,b")) var categorical: String = ""
    @Option(help: ArgumentHelp("Columns to treat as numeric, comma-separated.", valueName: "c,d")) var numeric: String = ""
    @Option(help: ArgumentHelp("Refuse a categorical column with more distinct values than this (at most 255).", valueName: "n")) var maxCategories: Int = 255

    func options(label: String?) -> FeatureTable.Options {
        var o = FeatureTable.Options()
        o.labelColumn = label
        o.idColumn = idColumn
        o.categorical = Set(categorical.split(separator: ",").map { String($0) })
        o.numeric = Set(numeric.split(separator: ",").map { String($0) })
        o.maxCategories = min(max(maxCategories, 2), 255)
        return o
    }
}
