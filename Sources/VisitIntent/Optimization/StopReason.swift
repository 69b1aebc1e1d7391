/// Why an optimiser stopped, stated in the model file and the training summary.
public enum StopReason: String, Codable, Sendable {
    case gradientTolerance = "gradient norm below tolerance"
    case relativeLossChange = "relative loss change below tolerance"
    case iterationLimit = "iteration limit reached"
    case lineSearchFailed = "line search could not decrease the loss (at machine precision)"
    case choleskyFailed = "Newton system not positive definite"
}
