import Foundation
import Testing
import VisitIntent
import VisitIntentTestSupport

/// Outputs land where the user pointed them: found by a user trying `--out x`,
/// `--out link.csv` and a named pipe.
@Suite(.serialized) struct AtomicFileTests {
    func contents(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

    @Test func aOneCharacterNameInTheCurrentDirectory() throws {
        let dir = TestSupport.temporaryDirectory("atomic")
        let previous = FileManager.default.currentDirectoryPath
        #expect(FileManager.default.changeCurrentDirectoryPath(dir))
        defer { _ = FileManager.default.changeCurrentDirectoryPath(previous) }
        // Foundation's NSString path methods crashed on a one-character name (SIGILL).
        try AtomicFile.write(path: "x", text: "one\n")
        #expect(try contents(dir + "/x") == "one\n")
        #expect(PathText.directory(of: "x") == "" && PathText.directory(of: "/x") == "/" && PathText.directory(of: "a/b/c.csv") == "a/b")
        #expect(PathText.lastComponent(of: "m") == "m" && PathText.lastComponent(of: "a/b/m.json") == "m.json" && PathText.lastComponent(of: "a/b/") == "b")
    }

    @Test func aSymbolicLinkIsFollowedAndKept() throws {
        let dir = TestSupport.temporaryDirectory("atomic")
        try FileManager.default.createDirectory(atPath: dir + "/real", withIntermediateDirectories: true)
        try "old\n".write(toFile: dir + "/real/target.csv", atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: dir + "/link.csv", withDestinationPath: "real/target.csv")  // relative
        try AtomicFile.write(path: dir + "/link.csv", text: "new\n")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: dir + "/link.csv") == "real/target.csv")
        #expect(try contents(dir + "/real/target.csv") == "new\n")
        // A failed write leaves the old contents and the link.
        #expect(throws: (any Error).self) { try AtomicFile.write(path: dir + "/link.csv") { w in try w.write("half"); throw CancellationError() } }
        #expect(try contents(dir + "/real/target.csv") == "new\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/real") == ["target.csv"])
    }

    @Test func aNamedPipeIsWrittenNotReplaced() throws {
        let dir = TestSupport.temporaryDirectory("atomic")
        let fifo = dir + "/pipe"
        #expect(mkfifo(fifo, 0o600) == 0)
        final class Received: @unchecked Sendable { var bytes: [UInt8] = [] }  // written by the reader, read after it finished
        let received = Received()
        let reader = Thread {
            let fd = open(fifo, O_RDONLY)  // POSIX reads: Foundation's file reading wants a size
            guard fd >= 0 else { return }
            var chunk = [UInt8](repeating: 0, count: 4096)
            while true {
                let n = read(fd, &chunk, chunk.count)
                if n <= 0 { break }
                received.bytes += chunk[0..<n]
            }
            close(fd)
        }
        reader.start()
        try AtomicFile.write(path: fifo, text: "through the pipe\n")
        while !reader.isFinished { Thread.sleep(forTimeInterval: 0.01) }
        #expect(String(decoding: received.bytes, as: UTF8.self) == "through the pipe\n")
        var info = stat()
        #expect(lstat(fifo, &info) == 0 && (info.st_mode & S_IFMT) == S_IFIFO)
    }
}
