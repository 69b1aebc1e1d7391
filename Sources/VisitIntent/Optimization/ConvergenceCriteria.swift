/// Convergence settings shared by the optimisers.
public struct ConvergenceCriteria: Codable, Sendable, Equatable {
    /// Stop when `max |∇f| ≤ gradientTolerance`.
    public var gradientTolerance = 1e-6
    /// Stop when `(f_prev − f) / max(|f_prev|, |f|, 1) ≤ relativeLossTolerance`.
    /// The default is SciPy L-BFGS-B's (`factr = 1e7` × machine epsilon): the
    /// float32 loss cannot be resolved much below it, and on 100k sessions the
    /// iterations past it moved the objective by under 1e-6 while taking 70% of
    /// the time (line searches grinding through rounding noise).
    public var relativeLossTolerance = 2.2e-9
    public var maxIterations = 1000

    public init() {}

    enum CodingKeys: String, CodingKey {
        case gradientTolerance = "gradient_tolerance"
        case relativeLossTolerance = "relative_loss_tolerance"
        case maxIterations = "max_iterations"
    }
}
