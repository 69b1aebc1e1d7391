import Foundation
import LinearAlgebra

/// Where a trainer reports how long its phases took (never stored in a model).
public final class FitClock: @unchecked Sendable {
    public var binningSeconds = 0.0
    public init() {}
}
