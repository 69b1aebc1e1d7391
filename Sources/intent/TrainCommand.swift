import ArgumentParser
import Foundation
import VisitIntent

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train an intent model from labelled sessions.",
        discussion: """
        Reads events, builds features (the feature spec is stored in the model), holds out a share \
        of visitors for validation, fits the model and writes one versioned, checksummed JSON file. \
        The same data, seed and flags give the same bytes.

        Example:
          intent train --events datasets/clinic-sample/events.jsonl --labels datasets/clinic-sample/labels.csv \\
            --taxonomy datasets/clinic-taxonomy.yaml --model logistic --l2 0.001 --out models/clinic.json
          intent train --events datasets/clinic-sample/events.jsonl --labels datasets/clinic-sample/labels.csv \\
            --taxonomy datasets/clinic-taxonomy.yaml --model gbdt --rounds 300 --early-stopping-rounds 20 --out models/clinic-gbdt.json

        Logistic options: --l2 --l1 --solver --class-weight --max-iterations --tolerance.
        Tree options (gbdt): --rounds --learning-rate --num-leaves --max-depth --min-data-in-leaf \
        --min-sum-hessian-in-leaf --lambda-l2 --min-gain-to-split --feature-fraction --bagging-fraction \
        --bagging-freq --max-bin --early-stopping-rounds --early-stopping-metric.
        """)

    enum ModelKind: String, ExpressibleByArgument, CaseIterable { case logistic, gbdt }

    @OptionGroup var input: EventInputOptions
    @Option(help: ArgumentHelp("Labels file: session_id,intent (CSV with header, or JSON Lines).", valueName: "file")) var labels: String?
    @OptionGroup(title: "Tables: one row per session instead of events") var table: TableOptions
    @Option(help: "Model to train.") var model: ModelKind = .logistic
    @Option(help: ArgumentHelp("Where to write the model file.", valueName: "file")) var out: String
    @Option(help: ArgumentHelp("Share of visitors held out for validation (0 for none).", valueName: "fraction")) var validationSplit: Double = 0.2
    @Option(help: ArgumentHelp("Validation events instead of a split.", valueName: "file")) var validationEvents: String?
    @Option(help: ArgumentHelp("Labels of the validation events.", valueName: "file")) var validationLabels: String?
    @Option(help: "Random seed (validation split).") var seed: UInt64 = 1
    @Option(help: ArgumentHelp("L2 penalty λ on standardised coefficients.", valueName: "λ")) var l2: Double = 1e-3
    @Option(help: ArgumentHelp("L1 penalty α (uses OWL-QN).", valueName: "α")) var l1: Double = 0
    @Option(help: "Solver: lbfgs, newton, or auto (Newton for few parameters).") var solver: String = "lbfgs"
    @Option(help: ArgumentHelp("Class weights: none, balanced, or name=weight,… (e.g. booking=3).", valueName: "spec")) var classWeight: String = "none"
    @Option(help: "Iteration cap.") var maxIterations: Int = 1000
    @Option(help: ArgumentHelp("Stop when the largest gradient entry is below this.", valueName: "tol")) var tolerance: Double = 1e-6
    @OptionGroup(title: "Gradient-boosted trees (--model gbdt)") var trees: TreeOptions
    @Option(help: ArgumentHelp("Hash buckets for topic transitions.", valueName: "n")) var bigramBuckets: Int = 32
    @Option(help: ArgumentHelp("Hash buckets for URL words.", valueName: "n")) var pathTokenBuckets: Int = 64
    @Option(help: ArgumentHelp("Write a machine-readable training summary (JSON), with timings.", valueName: "file")) var summaryJson: String?
    @Option(help: ArgumentHelp("Calibrate probabilities on the held-out sessions: temperature or isotonic (stored in the model).", valueName: "method"))
    var calibrate: CalibrationMethod?
    @Option(help: "Worker threads (results do not depend on it).") var threads: Int = Parallel.defaultThreads
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if !(0..<1).contains(validationSplit) { throw ValidationError("--validation-split must be in [0, 1)") }
        if (validationEvents == nil) != (validationLabels == nil) { throw ValidationError("--validation-events and --validation-labels go together") }
        if calibrate != nil && validationSplit == 0 && validationEvents == nil {
            throw ValidationError("--calibrate fits on held-out sessions: give --validation-split (more than 0) or --validation-events")
        }
        if !(l2 >= 0 && l2.isFinite && l1 >= 0 && l1.isFinite) { throw ValidationError("--l2 and --l1 must be finite and non-negative") }
        if LogisticRegressionConfiguration.Solver(rawValue: solver) == nil { throw ValidationError("--solver must be lbfgs, newton or auto") }
        if maxIterations < 1 { throw ValidationError("--max-iterations must be at least 1") }
        if !(tolerance > 0) { throw ValidationError("--tolerance must be positive") }
        if bigramBuckets < 1 || pathTokenBuckets < 1 { throw ValidationError("hash bucket counts must be at least 1") }
        if threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    static func parseClassWeight(_ text: String) throws -> LogisticRegressionConfiguration.ClassWeight {
        switch text {
        case "none", "": return .none
        case "balanced": return .balanced
        default:
            var map: [String: Double] = [:]
            for part in text.split(separator: ",") {
                let kv = part.split(separator: "=", maxSplits: 1)
                guard kv.count == 2, let w = Double(kv[1]), w > 0, w.isFinite else {
                    throw ValidationError("--class-weight: '\(part)' is not name=positive-number")
                }
                map[String(kv[0])] = w
            }
            return .explicit(map)
        }
    }

    func modelChoice() throws -> TrainingJob.ModelChoice {
        var config = LogisticRegressionConfiguration()
        config.l2 = l2
        config.l1 = l1
        config.solver = LogisticRegressionConfiguration.Solver(rawValue: solver)!
        config.classWeight = try Self.parseClassWeight(classWeight)
        config.convergence.maxIterations = maxIterations
        config.convergence.gradientTolerance = tolerance
        switch model {
        case .logistic: return .logistic(config)
        case .gbdt: return .gbdt(try trees.configuration())
        }
    }

    func run() throws {
        if let matrixPath = table.features {
            let t = try FeatureTable.readNPY(path: matrixPath, rowsPath: labels)
            guard t.labels != nil else { throw ValidationError("--features needs --labels: a session_id,intent CSV in the matrix's row order") }
            let outcome = try TrainingJob.fitTable(t, validationFraction: validationSplit, model: modelChoice(), seed: seed, threads: threads,
                                                   calibrate: calibrate?.method, progress: Progress(label: "training", quiet: output.quiet))
            try finish(outcome)
            return
        }
        if let tablePath = table.table {
            guard let label = table.label else { throw ValidationError("--table needs --label COLUMN") }
            let t = try FeatureTable.read(path: tablePath, options: table.options(label: label))
            let outcome = try TrainingJob.fitTable(t, validationFraction: validationSplit, model: modelChoice(), seed: seed, threads: threads,
                                                   calibrate: calibrate?.method, progress: Progress(label: "training", quiet: output.quiet))
            try finish(outcome)
            return
        }
        guard let labels else { throw ValidationError("give --labels (with --events), or --table with --label") }
        let data = try input.load(quiet: output.quiet)
        var skipped = SkipReport()
        let labelSet = try LabelSet.read(path: labels, skipInvalid: input.skipInvalid, skipped: &skipped)
        for line in skipped.lines { Console.note(line) }
        var features = FeatureConfiguration()
        features.sessionizer = input.sessionizer()
        features.bigramBuckets = bigramBuckets
        features.pathTokenBuckets = pathTokenBuckets
        var validation = TrainingJob.Validation.none
        if let validationEvents, let validationLabels {
            var v = input
            v.events = [validationEvents]
            let vData = try v.load(quiet: true)
            validation = .data(vData, try LabelSet.read(path: validationLabels, skipInvalid: input.skipInvalid, skipped: &skipped))
        } else if validationSplit > 0 {
            validation = .split(validationSplit)
        }
        let choice = try modelChoice()
        var job = TrainingJob(data: data, labels: labelSet, labelsPath: labels, taxonomyYAML: try input.taxonomyYAML(), features: features,
                              validation: validation, model: choice, seed: seed, threads: threads)
        job.calibrate = calibrate?.method
        let outcome = try job.run(progress: Progress(label: "training", quiet: output.quiet))
        try finish(outcome)
    }

    func finish(_ outcome: TrainingJob.Outcome) throws {
        try ModelFile.write(outcome.model, to: out)
        print(TrainingSummaryText.render(outcome, out: out))
        if let summaryJson {
            var s: [String: Any] = [
                "fit_seconds": outcome.fitSeconds, "binning_seconds": outcome.binningSeconds, "objective": outcome.record.objective, "iterations": outcome.record.iterations,
                "stop_reason": outcome.record.stopReason, "sessions": outcome.trainingSessions, "features": outcome.featureCount,
                "classes": outcome.classes, "model": out,
            ]
            if let v = outcome.validation { s["validation"] = ["accuracy": v.accuracy, "macro_f1": v.macroF1, "log_loss": v.logLoss, "sessions": v.sessions] }
            let json = try JSONSerialization.data(withJSONObject: s, options: [.sortedKeys, .prettyPrinted])
            try AtomicFile.write(path: summaryJson, bytes: Array(json) + [0x0A])
        }
        if outcome.unmatchedLabels > 0 && !output.quiet { Console.note("\(outcome.unmatchedLabels) label(s) match no session") }
    }
}

enum TrainingSummaryText {
    static func render(_ o: TrainingJob.Outcome, out: String) -> String {
        var lines: [String] = []
        lines.append("trained \(o.model.kind) model → \(out)")
        lines.append("  sessions: \(o.trainingSessions) labelled for training (" + zip(o.classes, o.classCounts).map { "\($0) \($1)" }.joined(separator: ", ") + ")")
        if o.unlabelledSessions > 0 { lines.append("  unlabelled sessions ignored: \(o.unlabelledSessions)") }
        lines.append("  features: \(o.featureCount)")
        lines.append("  optimisation: \(o.record.iterations) iterations, stopped: \(o.record.stopReason); objective \(String(format: "%.6f", o.record.objective)); \(String(format: "%.2f", o.fitSeconds)) s")
        if let v = o.validation {
            lines.append("  validation (\(v.sessions) held-out sessions): accuracy \(String(format: "%.3f", v.accuracy)) (baseline \(String(format: "%.3f", v.majorityAccuracy))), macro-F1 \(String(format: "%.3f", v.macroF1)) (baseline \(String(format: "%.3f", v.majorityMacroF1))), log loss \(String(format: "%.4f", v.logLoss))")
        }
        return lines.joined(separator: "\n")
    }
}

enum CalibrationMethod: String, ExpressibleByArgument, CaseIterable {
    case temperature, isotonic
    var method: Calibration.Method { self == .temperature ? .temperature : .isotonic }
}
