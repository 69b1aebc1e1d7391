import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes a file all or nothing: into a temporary file beside the target,
/// then `rename(2)`, so a crash or an error never leaves a half-written model,
/// report or score file where a reader expects a whole one.
public enum AtomicFile {
    /// A sink the body writes through.
    public final class Writer {
        let handle: UnsafeMutablePointer<FILE>
        let path: String
        init(handle: UnsafeMutablePointer<FILE>, path: String) { self.handle = handle; self.path = path }

        public func write(_ bytes: [UInt8]) throws {
            guard !bytes.isEmpty else { return }
            let n = bytes.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, handle) }
            if n != bytes.count { throw AtomicFileError(path: path, detail: String(cString: strerror(errno))) }
        }

        public func write(_ text: String) throws { try write(Array(text.utf8)) }

        /// Overwrites `bytes` at `offset` (a header whose figures are known only at
        /// the end), then goes on at the end of the file.
        public func rewrite(at offset: Int, _ bytes: [UInt8]) throws {
            guard fflush(handle) == 0, fseek(handle, offset, SEEK_SET) == 0 else {
                throw AtomicFileError(path: path, detail: "cannot seek: \(String(cString: strerror(errno)))")
            }
            try write(bytes)
            guard fflush(handle) == 0, fseek(handle, 0, SEEK_END) == 0 else {
                throw AtomicFileError(path: path, detail: "cannot seek: \(String(cString: strerror(errno)))")
            }
        }

        /// Discards what was written so far (a file, not standard output), to start over.
        public func truncate() throws {
            guard fflush(handle) == 0, ftruncate(fileno(handle), 0) == 0, fseek(handle, 0, SEEK_SET) == 0 else {
                throw AtomicFileError(path: path, detail: "cannot start the file over: \(String(cString: strerror(errno)))")
            }
        }
    }

    /// A writer on standard output, for verbs that print their result.
    nonisolated(unsafe) public static let standardOutput = Writer(handle: stdout, path: "<stdout>")

    /// Writes `path` through `body`, all or nothing. `-` is standard output. A
    /// symbolic link is followed: the file it points to is replaced, the link
    /// kept. An existing target that is not a regular file (a FIFO, a terminal,
    /// `/dev/stdout`) is written in place, since renaming over it would replace
    /// the device or pipe with a file.
    public static func write(path: String, _ body: (Writer) throws -> Void) throws {
        if path == "-" {
            try body(standardOutput)
            if fflush(stdout) != 0 { throw AtomicFileError(path: path, detail: String(cString: strerror(errno))) }
            return
        }
        var target = stat()
        if stat(path, &target) == 0 && (target.st_mode & S_IFMT) != S_IFREG {
            guard let handle = fopen(path, "wb") else {
                throw AtomicFileError(path: path, detail: String(cString: strerror(errno)))
            }
            defer { fclose(handle) }
            try body(Writer(handle: handle, path: path))
            if fflush(handle) != 0 { throw AtomicFileError(path: path, detail: String(cString: strerror(errno))) }
            return
        }
        let path = resolvingLink(path)
        let directory = PathText.directory(of: path)
        if !directory.isEmpty { try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
        let temporary = path + ".tmp-\(getpid())"
        guard let handle = fopen(temporary, "wb") else {
            throw AtomicFileError(path: path, detail: "cannot create \(temporary): \(String(cString: strerror(errno)))")
        }
        var closed = false
        do {
            try body(Writer(handle: handle, path: path))
            if fflush(handle) != 0 { throw AtomicFileError(path: path, detail: String(cString: strerror(errno))) }
            closed = true
            if fclose(handle) != 0 { throw AtomicFileError(path: path, detail: String(cString: strerror(errno))) }
            if rename(temporary, path) != 0 { throw AtomicFileError(path: path, detail: "rename failed: \(String(cString: strerror(errno)))") }
        } catch {
            if !closed { fclose(handle) }
            unlink(temporary)
            throw error
        }
    }

    /// The file a chain of symbolic links at `path` ends at (a link's relative
    /// target is taken from the link's directory); `path` itself otherwise.
    static func resolvingLink(_ path: String) -> String {
        var current = path
        for _ in 0..<40 {  // as the kernel's own limit on links followed
            var info = stat()
            guard lstat(current, &info) == 0, (info.st_mode & S_IFMT) == S_IFLNK else { return current }
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let n = readlink(current, &buffer, buffer.count - 1)
            guard n > 0 else { return current }
            let link = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            current = link.hasPrefix("/") ? link : PathText.join(PathText.directory(of: current), link)
        }
        return current
    }

    public static func write(path: String, bytes: [UInt8]) throws { try write(path: path) { try $0.write(bytes) } }
    public static func write(path: String, text: String) throws { try write(path: path) { try $0.write(text) } }
}

public struct AtomicFileError: Error, CustomStringConvertible {
    public var path: String
    public var detail: String
    public var description: String { "\(path): cannot write: \(detail)" }
}
