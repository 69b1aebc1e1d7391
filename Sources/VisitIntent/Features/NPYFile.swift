import Foundation
import LinearAlgebra

/// NumPy's `.npy` format (version 1.0) for `Float32` matrices: the fastest
/// way to hand a feature matrix to Python peers, and to read one back.
public enum NPYFile {
    /// The magic, version and header of a `rows` × `columns` float32 matrix,
    /// padded to 64 bytes. With `rowWidth`, the row count is right-aligned in
    /// that many characters (NumPy reads the blanks as Python does), so a
    /// streamed file can be given its final count in place, at the same length.
    static func header(rows: Int, columns: Int, rowWidth: Int = 0) -> [UInt8] {
        let count = String(rows)
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + String(repeating: " ", count: max(0, rowWidth - count.count))
            + count + ", \(columns)), }"
        let total = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - total % 64) % 64) + "\n"
        var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0]
        let length = UInt16(header.utf8.count)
        bytes += [UInt8(length & 0xFF), UInt8(length >> 8)]
        bytes += Array(header.utf8)
        return bytes
    }

    public static func write(_ m: Matrix<Float>, path: String) throws {
        let bytes = header(rows: m.rows, columns: m.columns)
        try AtomicFile.write(path: path) { out in
            try out.write(bytes)
            let chunk = 1 << 20
            var start = 0
            while start < m.storage.count {
                let end = min(m.storage.count, start + chunk)
                let slice = m.storage[start..<end].withUnsafeBytes { Array($0) }
                try out.write(slice)
                start = end
            }
        }
    }

    public static func read(path: String) throws -> Matrix<Float> {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InputError(file: path, reason: .unreadable, detail: "cannot read the .npy file")
        }
        let b = [UInt8](data)
        func bad(_ d: String) -> InputError { InputError(file: path, reason: .badHeader, detail: d) }
        guard b.count >= 10, b[0] == 0x93, Array(b[1..<6]) == Array("NUMPY".utf8) else { throw bad("not a .npy file") }
        let major = b[6]
        let headerLength: Int, offset: Int
        if major == 1 { headerLength = Int(b[8]) | Int(b[9]) << 8; offset = 10 } else {
            guard b.count >= 12 else { throw bad("truncated header") }
            headerLength = Int(b[8]) | Int(b[9]) << 8 | Int(b[10]) << 16 | Int(b[11]) << 24; offset = 12
        }
        guard b.count >= offset + headerLength else { throw bad("truncated header") }
        let header = String(decoding: b[offset..<(offset + headerLength)], as: UTF8.self)
        guard header.contains("'<f4'") else { throw bad("expected little-endian float32 ('<f4') data") }
        guard header.contains("'fortran_order': False") else { throw bad("expected C (row-major) order") }
        guard let open = header.firstIndex(of: "("), let close = header.firstIndex(of: ")") else { throw bad("no shape") }
        let dims = header[header.index(after: open)..<close].split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard dims.count == 2 else { throw bad("expected a two-dimensional array") }
        let (count, overflow) = dims[0].multipliedReportingOverflow(by: dims[1])
        guard dims[0] >= 0, dims[1] >= 0, !overflow, count <= Int.max / 4 else { throw bad("bad shape (\(dims[0]), \(dims[1]))") }
        let start = offset + headerLength
        guard b.count - start == count * 4 else { throw bad("data size does not match the shape \(dims[0]) × \(dims[1])") }
        var storage = [Float](repeating: 0, count: count)
        storage.withUnsafeMutableBytes { dst in
            b.withUnsafeBytes { src in dst.copyMemory(from: UnsafeRawBufferPointer(rebasing: src[start..<(start + count * 4)])) }
        }
        return Matrix(rows: dims[0], columns: dims[1], storage: storage)
    }
}
