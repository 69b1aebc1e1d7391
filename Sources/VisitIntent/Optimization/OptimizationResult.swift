/// What an optimiser returns.
public struct OptimizationResult: Sendable {
    public var parameters: [Double]
    public var objective: Double
    public var gradientNorm: Double
    public var iterations: Int
    public var evaluations: Int
    public var stopReason: StopReason
}
