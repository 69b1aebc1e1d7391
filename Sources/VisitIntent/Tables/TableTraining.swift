import LinearAlgebra

extension TrainingJob {
    /// Trains on a table with a label column: rows are held out for validation
    /// (a seeded shuffle of row indices; tables have no visitor to group by).
    public static func fitTable(_ table: FeatureTable, validationFraction: Double, model: ModelChoice, seed: UInt64,
                                threads: Int, calibrate: Calibration.Method? = nil, progress: Progress? = nil) throws -> Outcome {
        guard let labels = table.labels else { throw TrainingError.noRows }
        let classes = Array(Set(labels)).sorted()
        guard classes.count >= 2 else { throw TrainingError.tooFewClasses(classes) }
        let index = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, Int32($0)) })
        let y = labels.map { index[$0]! }
        var order = Array(0..<table.values.rows)
        var rng = SeededGenerator(seed: seed)
        for i in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
        let held = Int((Double(order.count) * validationFraction).rounded())
        let validationRows = Array(order.prefix(held)).sorted(), trainRows = Array(order.dropFirst(held)).sorted()
        func rows(_ r: [Int]) -> Matrix<Float> {
            let d = table.values.columns
            var s = [Float](repeating: 0, count: r.count * d)
            for (k, i) in r.enumerated() { for j in 0..<d { s[k * d + j] = table.values.storage[i * d + j] } }
            return Matrix(rows: r.count, columns: d, storage: s)
        }
        let trainY = trainRows.map { y[$0] }
        let missing = classes.indices.filter { c in !trainY.contains(Int32(c)) }.map { classes[$0] }
        if !missing.isEmpty { throw TrainingError.classOnlyInValidation(missing) }
        let train = TrainingData(x: rows(trainRows), y: trainY, classes: classes, columns: table.columns)
        let validation = held > 0 ? (rows(validationRows), validationRows.map { y[$0] }) : nil
        return try fit(train, validation: validation, featureSpec: nil, model: model, seed: seed, threads: threads, calibrate: calibrate, progress: progress)
    }
}
