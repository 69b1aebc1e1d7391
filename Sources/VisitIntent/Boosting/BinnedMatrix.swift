import LinearAlgebra

/// Binned features, column-major: feature `j`'s bins are `columns[j*rows ..< (j+1)*rows]`.
public struct BinnedMatrix: Sendable {
    public let rows: Int
    public let features: Int
    public var columns: [UInt8]
}
