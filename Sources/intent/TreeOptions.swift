import ArgumentParser
import VisitIntent

/// Hyperparameters of `--model gbdt`, named as in LightGBM.
struct TreeOptions: ParsableArguments {
    @Option(help: "Boosting rounds (trees per class).") var rounds = 100
    @Option(help: "Shrinkage of each tree's leaf values.") var learningRate = 0.1
    @Option(help: "Leaves per tree (leaf-wise growth).") var numLeaves = 31
    @Option(help: "Depth limit (0: none).") var maxDepth = 0
    @Option(help: "Rows a leaf needs at least (while splitting, estimated from Hessian sums, as LightGBM does).") var minDataInLeaf = 20
    @Option(help: "Hessian sum a leaf needs at least.") var minSumHessianInLeaf = 1e-3
    @Option(help: "L2 penalty on leaf values.") var lambdaL2 = 0.0
    @Option(help: "Smallest gain worth a split.") var minGainToSplit = 0.0
    @Option(help: "Share of features per tree.") var featureFraction = 1.0
    @Option(help: "Share of rows per bag.") var baggingFraction = 1.0
    @Option(help: "Redraw the bag every N rounds (0: no bagging).") var baggingFreq = 0
    @Option(help: "Histogram bins per feature (2–255).") var maxBin = 255
    @Option(help: "Stop when validation has not improved for N rounds (0: never).") var earlyStoppingRounds = 0
    @Option(help: "Validation metric for early stopping: log_loss, accuracy, macro_f1, macro_roc_auc.") var earlyStoppingMetric = "log_loss"

    func configuration() throws -> GradientBoostingConfiguration {
        var c = GradientBoostingConfiguration()
        c.rounds = rounds
        c.learningRate = learningRate
        c.numLeaves = numLeaves
        c.maxDepth = maxDepth
        c.minDataInLeaf = minDataInLeaf
        c.minSumHessianInLeaf = minSumHessianInLeaf
        c.lambdaL2 = lambdaL2
        c.minGainToSplit = minGainToSplit
        c.featureFraction = featureFraction
        c.baggingFraction = baggingFraction
        c.baggingFrequency = baggingFreq
        c.maxBin = maxBin
        c.earlyStoppingRounds = earlyStoppingRounds
        c.earlyStoppingMetric = earlyStoppingMetric
        do { try c.validate() } catch { throw ValidationError("\(error)") }
        return c
    }
}
