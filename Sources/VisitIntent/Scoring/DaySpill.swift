import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Puts unordered events in time order with bounded memory: events are
/// spilled to one temporary file per UTC day (canonical JSON Lines, ids
/// already pseudonymous, text redacted), then read back a day at a time and
/// sorted. Memory is bounded by the busiest day plus a fixed write buffer.
/// Files are opened only to append a buffer, so any number of days works,
/// and live in a private (0700) directory removed at the end.
public final class DaySpill {
    let directory: String
    private var buffers: [Int64: [UInt8]] = [:]
    private var buffered = 0
    private var days = Set<Int64>()
    public private(set) var events = 0
    /// Bytes held in memory across days before they are written out.
    static let budget = 32 << 20

    public init() throws {
        directory = NSTemporaryDirectory() + "visitintent-sort-\(UUID().uuidString)"
        guard mkdir(directory, 0o700) == 0 else {
            throw AtomicFileError(path: directory, detail: "cannot create a temporary sort directory: \(String(cString: strerror(errno)))")
        }
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    private func path(_ day: Int64) -> String { directory + "/day-\(day).jsonl" }

    public func add(_ event: RawEvent) throws {
        let day = Timestamp.floorDiv(event.timestamp!.epochMilliseconds, 86_400_000)
        let line = Array(event.canonicalJSONLine.utf8) + [0x0A]
        buffers[day, default: []].append(contentsOf: line)
        buffered += line.count
        days.insert(day)
        events += 1
        if buffered > Self.budget { try writeAll() }
    }

    private func writeAll() throws {
        for (day, bytes) in buffers where !bytes.isEmpty {
            guard let file = fopen(path(day), "ab") else {
                throw AtomicFileError(path: path(day), detail: "cannot write a temporary sort file: \(String(cString: strerror(errno)))")
            }
            let written = bytes.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, file) }
            let closed = fclose(file)
            guard written == bytes.count, closed == 0 else { throw AtomicFileError(path: path(day), detail: "cannot write a temporary sort file (disk full?)") }
        }
        buffers = [:]
        buffered = 0
    }

    /// Calls `body` with each event in time order (stable for equal times).
    /// `reader` gives the pseudonymizer; the spill files are read as canonical JSON Lines.
    public func forEachInOrder(reader user: EventReader, _ body: (RawEvent) throws -> Void) throws {
        var options = EventReader.Options()
        options.format = .jsonl
        let reader = EventReader(options: options, pseudonymizer: user.pseudonymizer)
        try writeAll()
        for day in days.sorted() {
            var dayEvents: [RawEvent] = []
            _ = try reader.forEachEvent(path: path(day)) { dayEvents.append($0) }
            let order = dayEvents.indices.sorted { (dayEvents[$0].timestamp!.epochMilliseconds, $0) < (dayEvents[$1].timestamp!.epochMilliseconds, $1) }
            for i in order { try body(dayEvents[i]) }
            unlink(path(day))
        }
    }
}
