/// Hyperparameters of histogram gradient-boosted trees (names as in LightGBM).
public struct GradientBoostingConfiguration: Codable, Sendable, Equatable {
    public var rounds = 100
    public var learningRate = 0.1
    public var numLeaves = 31
    /// Depth limit; 0 or less for none.
    public var maxDepth = -1
    /// Rows each side of a split needs, counted while splitting as Hessian
    /// sum × rows per unit of Hessian in the leaf (LightGBM's estimate).
    public var minDataInLeaf = 20
    public var minSumHessianInLeaf = 1e-3
    public var lambdaL2 = 0.0
    public var minGainToSplit = 0.0
    /// Share of features each tree may use.
    public var featureFraction = 1.0
    /// Share of rows each bag uses, redrawn every `baggingFrequency` rounds (0: no bagging).
    public var baggingFraction = 1.0
    public var baggingFrequency = 0
    public var maxBin = 255
    /// Categorical features: at most this many categories (codes 0..<maxCategories).
    public var maxCategories = 64
    /// A category needs this many (estimated) rows in a leaf to be placed by a split.
    public var minDataPerCategory = 10
    /// Added to a category's Hessian sum when ordering categories (LightGBM's cat_smooth).
    public var categorySmoothing = 10.0
    /// At most this many categories on the left of a split.
    public var maxCategoryThreshold = 32
    /// Stop when the validation metric has not improved for this many rounds (0: never).
    public var earlyStoppingRounds = 0
    /// The validation metric for early stopping: log_loss, accuracy, macro_f1 or macro_roc_auc.
    public var earlyStoppingMetric = "log_loss"
    /// Features treated as categorical (column indices).
    public var categoricalFeatures: [Int] = []
    public var threads = Parallel.defaultThreads

    public init() {}

    enum CodingKeys: String, CodingKey {
        case rounds
        case learningRate = "learning_rate"
        case numLeaves = "num_leaves"
        case maxDepth = "max_depth"
        case minDataInLeaf = "min_data_in_leaf"
        case minSumHessianInLeaf = "min_sum_hessian_in_leaf"
        case lambdaL2 = "lambda_l2"
        case minGainToSplit = "min_gain_to_split"
        case featureFraction = "feature_fraction"
        case baggingFraction = "bagging_fraction"
        case baggingFrequency = "bagging_freq"
        case maxBin = "max_bin"
        case maxCategories = "max_categories"
        case minDataPerCategory = "min_data_per_category"
        case categorySmoothing = "cat_smooth"
        case maxCategoryThreshold = "max_cat_threshold"
        case earlyStoppingRounds = "early_stopping_rounds"
        case earlyStoppingMetric = "early_stopping_metric"
        case categoricalFeatures = "categorical_features"
    }

    /// Checks ranges; the message names the option.
    public func validate() throws {
        func fail(_ s: String) -> TrainingError { .invalid(s) }
        if rounds < 1 { throw fail("rounds must be at least 1") }
        if !(learningRate > 0) { throw fail("learning rate must be positive") }
        if numLeaves < 2 { throw fail("num_leaves must be at least 2") }
        if minDataInLeaf < 1 { throw fail("min_data_in_leaf must be at least 1") }
        if lambdaL2 < 0 || minGainToSplit < 0 || minSumHessianInLeaf < 0 { throw fail("penalties and minimums must be non-negative") }
        if !(featureFraction > 0 && featureFraction <= 1) { throw fail("feature_fraction must be in (0, 1]") }
        if !(baggingFraction > 0 && baggingFraction <= 1) { throw fail("bagging_fraction must be in (0, 1]") }
        if baggingFrequency < 0 { throw fail("bagging_freq must be non-negative") }
        if maxBin < 2 || maxBin > 255 { throw fail("max_bin must be in 2...255") }
        if maxCategories < 2 || maxCategories > 255 { throw fail("max_categories must be in 2...255") }
        if !["log_loss", "accuracy", "macro_f1", "macro_roc_auc"].contains(earlyStoppingMetric) {
            throw fail("early stopping metric must be log_loss, accuracy, macro_f1 or macro_roc_auc")
        }
    }
}
