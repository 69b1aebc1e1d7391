import LinearAlgebra

/// A categorical value per session (device, channel, landing kind…), for
/// per-segment evaluation. Stored as codes into `levels`.
public struct CategoricalColumn: Sendable, Equatable {
    public var levels: [String]
    public var codes: [UInt16]

    public init(levels: [String], codes: [UInt16]) {
        self.levels = levels
        self.codes = codes
    }

    public func value(_ row: Int) -> String { levels[Int(codes[row])] }
}
