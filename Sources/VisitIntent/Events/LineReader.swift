#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a text file line by line in fixed-size chunks, so memory stays
/// bounded by the chunk and the longest allowed line, whatever the file size.
///
/// Lines end with `\n`; a trailing `\r` is dropped (CRLF files). A line
/// longer than `maxLineBytes` is reported to `body` as `.tooLong` and skipped
/// without being held in memory.
public struct LineReader {
    public enum Line {
        case text(UnsafeBufferPointer<UInt8>)
        case tooLong
    }

    public let path: String
    public let maxLineBytes: Int
    public let chunkBytes: Int

    public init(path: String, maxLineBytes: Int = 1 << 20, chunkBytes: Int = 1 << 20) {
        self.path = path
        self.maxLineBytes = maxLineBytes
        self.chunkBytes = chunkBytes
    }

    /// Calls `body(lineNumber, line)` for each line of `bytes` held in memory
    /// (a request body), with the same rules as a file.
    public static func forEachLine(in bytes: [UInt8], maxLineBytes: Int, _ body: (Int, Line) throws -> Bool) throws {
        try bytes.withUnsafeBufferPointer { all in
            var start = 0, lineNumber = 0
            while start < all.count {
                var end = start
                while end < all.count && all[end] != 0x0A { end += 1 }
                lineNumber += 1
                var stop = end
                if stop > start && all[stop - 1] == 0x0D { stop -= 1 }
                let keepGoing = stop - start > maxLineBytes ? try body(lineNumber, .tooLong) : try body(lineNumber, .text(UnsafeBufferPointer(rebasing: all[start..<stop])))
                if !keepGoing { return }
                start = end + 1
            }
        }
    }

    /// Calls `body(lineNumber, line)` for each line, numbering from 1.
    /// Throws `InputError.unreadable` when the file cannot be opened and
    /// `.emptyFile` when it holds no bytes. `body` returns `false` to stop.
    public func forEachLine(_ body: (Int, Line) throws -> Bool) throws {
        guard let file = fopen(path, "rb") else {
            throw InputError(file: path, reason: .unreadable, detail: String(cString: strerror(errno)))
        }
        defer { fclose(file) }
        var buffer = [UInt8](repeating: 0, count: chunkBytes + maxLineBytes + 1)
        var filled = 0
        var lineNumber = 0
        var skippingLongLine = false
        var sawBytes = false
        var eof = false
        while !eof {
            let n = buffer.withUnsafeMutableBufferPointer { p in fread(p.baseAddress! + filled, 1, p.count - filled, file) }
            if n == 0 {
                if ferror(file) != 0 { throw InputError(file: path, reason: .unreadable, detail: "read error") }
                eof = true
            }
            if n > 0 { sawBytes = true }
            filled += n
            var consumed = 0
            var stop = false
            try buffer.withUnsafeBufferPointer { p in
                let base = p.baseAddress!
                while consumed < filled {
                    let remaining = filled - consumed
                    let found = memchr(base + consumed, Int32(UInt8(ascii: "\n")), remaining)
                    var end: Int
                    if let found {
                        end = UnsafeRawPointer(found).assumingMemoryBound(to: UInt8.self) - base
                    } else if eof {
                        end = filled
                    } else {
                        // No newline yet: keep the partial line unless it is already too long.
                        if remaining > maxLineBytes {
                            if !skippingLongLine {
                                lineNumber += 1
                                skippingLongLine = true
                                if try !body(lineNumber, .tooLong) { stop = true; return }
                            }
                            consumed = filled
                        }
                        return
                    }
                    let next = end + (found == nil ? 0 : 1)
                    if skippingLongLine {
                        skippingLongLine = false
                        consumed = next
                        continue
                    }
                    lineNumber += 1
                    var lineEnd = end
                    if lineEnd > consumed, base[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
                    if lineEnd - consumed > maxLineBytes {
                        if try !body(lineNumber, .tooLong) { stop = true; return }
                    } else if try !body(lineNumber, .text(UnsafeBufferPointer(start: base + consumed, count: lineEnd - consumed))) {
                        stop = true; return
                    }
                    consumed = next
                    if found == nil { break }
                }
            }
            if stop { return }
            if consumed > 0 {
                let rest = filled - consumed
                if rest > 0 {
                    buffer.withUnsafeMutableBufferPointer { p in
                        _ = memmove(p.baseAddress!, p.baseAddress! + consumed, rest)
                    }
                }
                filled = rest
            }
        }
        if !sawBytes { throw InputError(file: path, reason: .emptyFile, detail: "the file has no data") }
    }
}
