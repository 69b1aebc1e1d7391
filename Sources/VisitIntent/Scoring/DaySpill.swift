import Foundation

/// Puts unordered events in time order with bounded memory: events are
/// spilled to one temporary file per UTC day (canonical JSON Lines, ids
/// already pseudonymous), then read back a day at a time and sorted. Memory
/// is bounded by the busiest day, not by the input.
public final class DaySpill {
    let directory: String
    private var writers: [Int64: FileHandle] = [:]
    private var buffers: [Int64: [UInt8]] = [:]
    public private(set) var events = 0

    public init() throws {
        directory = NSTemporaryDirectory() + "visitintent-sort-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    private func path(_ day: Int64) -> String { directory + "/day-\(day).jsonl" }

    public func add(_ event: RawEvent) throws {
        let day = Timestamp.floorDiv(event.timestamp!.epochMilliseconds, 86_400_000)
        buffers[day, default: []].append(contentsOf: Array(event.canonicalJSONLine.utf8))
        buffers[day]!.append(0x0A)
        events += 1
        if buffers[day]!.count > 1 << 20 { try write(day) }
    }

    private func write(_ day: Int64) throws {
        guard let bytes = buffers[day], !bytes.isEmpty else { return }
        if writers[day] == nil {
            FileManager.default.createFile(atPath: path(day), contents: nil)
            guard let h = FileHandle(forWritingAtPath: path(day)) else { throw AtomicFileError(path: path(day), detail: "cannot create a temporary sort file") }
            writers[day] = h
        }
        try writers[day]!.write(contentsOf: bytes)
        buffers[day] = []
    }

    /// Calls `body` with each event in time order (stable for equal times).
    public func forEachInOrder(reader: EventReader, _ body: (RawEvent) throws -> Void) throws {
        for day in buffers.keys { try write(day) }
        for h in writers.values { try h.close() }
        for day in writers.keys.sorted() {
            var dayEvents: [RawEvent] = []
            _ = try reader.forEachEvent(path: path(day)) { dayEvents.append($0) }
            let order = dayEvents.indices.sorted { (dayEvents[$0].timestamp!.epochMilliseconds, $0) < (dayEvents[$1].timestamp!.epochMilliseconds, $1) }
            for i in order { try body(dayEvents[i]) }
            try? FileManager.default.removeItem(atPath: path(day))
        }
    }
}
