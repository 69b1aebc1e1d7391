import Foundation
import LinearAlgebra

/// A two-sided interval (percentile bootstrap).
public struct Interval: Codable, Sendable, Equatable {
    public var low: Double
    public var high: Double
    public init(low: Double, high: Double) { self.low = low; self.high = high }
    public func contains(_ v: Double) -> Bool { low <= v && v <= high }
}
