import Foundation

/// Reads event files on a thread of its own while the caller consumes the
/// events, so parsing (JSON, redaction, pseudonyms: most of a batch-scoring
/// run) overlaps with sessionizing, features and scoring. Canonical JSON
/// Lines files are also cut into blocks, and blocks into parts at line ends,
/// parsed as they come on `threads` threads of their own and handed over in
/// order (`PartPipeline`).
///
/// Events arrive in file order, exactly as `EventReader.forEachEvent` gives
/// them, so results do not change. A reading error reaches the caller after
/// every event before it, as when reading directly; when the consumer throws,
/// reading stops and that error is rethrown.
public struct PipelinedReader {
    public var reader: EventReader
    /// Events handed over at a time by the plain reader (a JSON Lines part goes whole), and batches read ahead at most (memory bound).
    public var batchSize = 4096
    public var depth = 4
    /// Bytes read at a time from a JSON Lines file (cut into two parts per thread).
    public var blockBytes = 8 << 20
    public var threads = Parallel.defaultThreads
    /// When each reading thread's decoder empties its memos (the defaults bound their memory).
    public var decoderLimits = DecoderLimits()

    public init(reader: EventReader) { self.reader = reader }

    /// Calls `body(event, path)` for the events of `paths` in order; returns the reading summary.
    public func forEachEvent(paths: [String], _ body: (RawEvent, String) throws -> Void) throws -> EventReader.Summary {
        try forEachBatch(paths: paths, of: [RawEvent].self) { batch, path in for event in batch { try body(event, path) } }
    }

    /// Calls `body(table, path)` with the events of `paths` in order, a few
    /// thousand at a time, as tables built on the reading threads (each with
    /// its own pool): the caller gathers rows with `EventTable.append(row:of:remap:)`
    /// instead of interning every event's strings itself.
    public func forEachTable(paths: [String], _ body: (EventTable, String) throws -> Void) throws -> EventReader.Summary {
        try forEachBatch(paths: paths, of: EventTable.self, body)
    }

    private func forEachBatch<Batch: EventBatch>(paths: [String], of: Batch.Type, _ body: (Batch, String) throws -> Void) throws -> EventReader.Summary {
        let queue = BatchQueue<Batch>(capacity: depth)
        let reader = self.reader, batchSize = self.batchSize
        let producer = Thread {
            var summary = EventReader.Summary()
            do {
                for path in paths {
                    if let blocks = self.jsonLinesBlocks(path) {
                        try readBlocks(blocks, path: path, queue: queue, summary: &summary)
                        continue
                    }
                    var batch = Batch()
                    summary.merge(try reader.forEachEvent(path: path) { event in
                        batch.add(event)
                        if batch.count == batchSize {
                            guard queue.put(.events(batch, path)) else { throw Cancelled() }
                            batch = Batch()
                        }
                    })
                    if batch.count > 0, !queue.put(.events(batch, path)) { throw Cancelled() }
                }
                _ = queue.put(.end(summary))
            } catch is Cancelled {
                _ = queue.put(.end(summary))
            } catch {
                _ = queue.put(.failed(error))
            }
        }
        producer.stackSize = 8 << 20
        producer.start()
        while true {
            switch queue.take() {
            case .events(let batch, let path):
                do { try body(batch, path) } catch {
                    queue.cancel()
                    throw error
                }
            case .end(let summary): return summary
            case .failed(let error): throw error
            }
        }
    }

    struct Cancelled: Error {}

    /// The file, open, when it is non-empty canonical JSON Lines and more than
    /// one thread may parse it; nil sends it through the plain reader (which
    /// also gives the usual errors for an empty file or one that cannot be opened).
    func jsonLinesBlocks(_ path: String) -> FileHandle? {
        guard threads > 1, let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int, size > 0,
              (reader.options.format ?? EventReader.detectFormat(path: path)) == .jsonl else { return nil }
        return FileHandle(forReadingAtPath: path)
    }

    /// Reads `file` in blocks cut into parts at line ends, parsed on `threads`
    /// threads of their own and handed over in order (`PartPipeline`).
    func readBlocks<Batch: EventBatch>(_ file: FileHandle, path: String, queue: BatchQueue<Batch>, summary: inout EventReader.Summary) throws {
        defer { try? file.close() }
        let pipeline = PartPipeline<Batch>(reader: reader, path: path, threads: threads, blockBytes: blockBytes, decoderLimits: decoderLimits)
        try pipeline.run(file, queue: queue, summary: &summary)
    }

    /// Fills `into` from `file` as far as it goes; fewer bytes only at the end of the file.
    static func read(_ file: FileHandle, into: UnsafeMutableRawBufferPointer, path: String) throws -> Int {
        var got = 0
        while got < into.count {
            let n = Foundation.read(file.fileDescriptor, into.baseAddress! + got, into.count - got)
            if n < 0 {
                if errno == EINTR { continue }
                throw InputError(file: path, reason: .unreadable, detail: String(cString: strerror(errno)))
            }
            if n == 0 { break }
            got += n
        }
        return got
    }

    /// Newlines in `bytes[range]`, found with `memchr` (vectorised): a byte loop
    /// took a twentieth of batch scoring's CPU when every block was counted.
    /// Now for the first blocks (before any part is delivered) and `RawEvent` batches.
    static func lineEnds(in b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int {
        guard let base = b.baseAddress, !range.isEmpty else { return 0 }
        var count = 0
        var p = UnsafeRawPointer(base + range.lowerBound)
        let end = UnsafeRawPointer(base + range.upperBound)
        while p < end, let q = memchr(p, 0x0A, end - p) {
            count += 1
            p = UnsafeRawPointer(q) + 1
        }
        return count
    }

    enum Item<Batch>: @unchecked Sendable {
        case events(Batch, String)
        case end(EventReader.Summary)
        case failed(any Error)
    }

    /// A bounded hand-over between the reading thread and the consumer.
    final class BatchQueue<Batch>: @unchecked Sendable {
        private let condition = NSCondition()
        private var items: [Item<Batch>] = []
        private var cancelled = false
        private let capacity: Int

        init(capacity: Int) { self.capacity = max(1, capacity) }

        /// Waits for room; false once the consumer has given up.
        func put(_ item: Item<Batch>) -> Bool {
            condition.lock()
            defer { condition.unlock() }
            while items.count >= capacity && !cancelled { condition.wait() }
            if cancelled { return false }
            items.append(item)
            condition.broadcast()
            return true
        }

        func take() -> Item<Batch> {
            condition.lock()
            defer { condition.unlock() }
            while items.isEmpty { condition.wait() }
            let item = items.removeFirst()
            condition.broadcast()
            return item
        }

        func cancel() {
            condition.lock()
            cancelled = true
            items.removeAll()
            condition.broadcast()
            condition.unlock()
        }
    }
}

/// What the pipelined reader hands over: events as they are, or already in
/// a table of their own.
protocol EventBatch {
    init()
    var count: Int { get }
    mutating func add(_ event: RawEvent)
    /// Parsed URLs shared by the batches of one read.
    mutating func share(_ pageURLs: PageURLMemo)
    /// Makes room for about `rows` events (a part's lines, estimated), so columns do not grow by copies.
    mutating func reserve(_ rows: Int)
    /// Reads a part of a JSON Lines file (its first line numbered `firstLine`);
    /// `lines` is set to its line ends (or its lines, when the last has none).
    mutating func read(bytes: UnsafeBufferPointer<UInt8>, name: String, firstLine: Int, reader: EventReader, state: inout PartState,
                       lines: inout Int) throws -> EventReader.Summary
}

/// What a reading thread keeps from one part of a file to the next: memos
/// of pseudonyms, redactions and decoded values stay warm.
struct PartState {
    var admission: EventReader.Admission
    var decoder: EventLineDecoder
}

extension Array: EventBatch where Element == RawEvent {
    mutating func add(_ event: RawEvent) { append(event) }
    mutating func share(_ pageURLs: PageURLMemo) {}
    mutating func reserve(_ rows: Int) { reserveCapacity(rows) }
    mutating func read(bytes: UnsafeBufferPointer<UInt8>, name: String, firstLine: Int, reader: EventReader, state: inout PartState,
                       lines: inout Int) throws -> EventReader.Summary {
        lines = PipelinedReader.lineEnds(in: bytes, 0..<bytes.count)  // not the scorer's path: counted apart
        return try reader.forEachEvent(bytes: [UInt8](bytes), name: name, firstLine: firstLine, admission: &state.admission) { append($0) }
    }
}

extension EventTable: EventBatch {
    mutating func add(_ event: RawEvent) { append(event, visitorPseudonym: event.visitorId!) }
    mutating func share(_ pageURLs: PageURLMemo) { self.pageURLs = pageURLs }
    mutating func reserve(_ rows: Int) {
        reserveCapacity(rows)
        pool.reserveCapacity(rows / 2)  // ids: about one new visitor or session every other event
    }
    /// Lines go straight to the columns (`EventLineDecoder`), the full path taking the others.
    mutating func read(bytes: UnsafeBufferPointer<UInt8>, name: String, firstLine: Int, reader: EventReader, state: inout PartState,
                       lines: inout Int) throws -> EventReader.Summary {
        try reader.appendJSONLines(bytes: bytes, name: name, firstLine: firstLine, admission: &state.admission, decoder: &state.decoder, into: &self,
                                   lines: &lines)
    }
}
