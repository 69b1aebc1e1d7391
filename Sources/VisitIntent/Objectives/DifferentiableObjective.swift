/// A smooth function of a parameter vector with its gradient: what the
/// optimisers minimise. Objectives that can also give a Hessian conform to
/// `TwiceDifferentiableObjective` and can be solved by Newton's method.
public protocol DifferentiableObjective {
    var parameterCount: Int { get }
    /// Returns `f(θ)` and writes `∇f(θ)` into `gradient`.
    func evaluate(_ theta: [Double], gradient: inout [Double]) -> Double
}

public protocol TwiceDifferentiableObjective: DifferentiableObjective {
    /// The Hessian `∇²f(θ)`, `parameterCount × parameterCount`, row-major.
    func hessian(_ theta: [Double]) -> [Double]
}
