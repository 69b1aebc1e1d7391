/// Hyperparameters of multinomial logistic regression.
public struct LogisticRegressionConfiguration: Codable, Sendable, Equatable {
    public enum Solver: String, Codable, Sendable, CaseIterable {
        /// L-BFGS (OWL-QN with an L1 penalty): the default, for any size.
        case lbfgs
        /// Newton with a Cholesky solve: precise, for few parameters, L2 only.
        case newton
        /// Newton when there are at most 600 parameters and no L1 penalty, else L-BFGS.
        case auto
    }

    /// How rows are weighted by class.
    public enum ClassWeight: Codable, Sendable, Equatable {
        case none
        /// `n / (K · n_k)`: every class counts as much in total.
        case balanced
        case explicit([String: Double])
    }

    /// L2 penalty λ on the coefficients of standardised features (`(λ/2)‖W‖²`).
    public var l2 = 1e-3
    /// L1 penalty α (`α‖W‖₁`); needs L-BFGS (OWL-QN).
    public var l1 = 0.0
    public var solver = Solver.lbfgs
    public var classWeight = ClassWeight.none
    public var convergence = ConvergenceCriteria()
    /// Worker threads; results do not depend on it.
    public var threads = Parallel.defaultThreads

    public init() {}

    enum CodingKeys: String, CodingKey {
        case l2, l1, solver
        case classWeight = "class_weight"
        case convergence
    }
}
