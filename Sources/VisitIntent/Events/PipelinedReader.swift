import Foundation

/// Reads event files on a thread of its own while the caller consumes the
/// events, so parsing (JSON, redaction, pseudonyms: most of a batch-scoring
/// run) overlaps with sessionizing, features and scoring. Canonical JSON
/// Lines files are also cut into blocks at line ends, each block's halves
/// parsed at once on `threads` threads and handed over in order.
///
/// Events arrive in file order, exactly as `EventReader.forEachEvent` gives
/// them, so results do not change. A reading error reaches the caller after
/// every event before it, as when reading directly; when the consumer throws,
/// reading stops and that error is rethrown.
public struct PipelinedReader {
    public var reader: EventReader
    /// Events handed over at a time, and batches read ahead at most (memory bound).
    public var batchSize = 4096
    public var depth = 4
    /// Bytes read at a time from a JSON Lines file, and parts parsed at once.
    public var blockBytes = 8 << 20
    public var threads = Parallel.defaultThreads

    public init(reader: EventReader) { self.reader = reader }

    /// Calls `body(event, path)` for the events of `paths` in order; returns the reading summary.
    public func forEachEvent(paths: [String], _ body: (RawEvent, String) throws -> Void) throws -> EventReader.Summary {
        let queue = BatchQueue(capacity: depth)
        let reader = self.reader, batchSize = self.batchSize
        let producer = Thread {
            var summary = EventReader.Summary()
            do {
                for path in paths {
                    if let blocks = self.jsonLinesBlocks(path) {
                        try readBlocks(blocks, path: path, queue: queue, summary: &summary)
                        continue
                    }
                    var batch: [RawEvent] = []
                    batch.reserveCapacity(batchSize)
                    summary.merge(try reader.forEachEvent(path: path) { event in
                        batch.append(event)
                        if batch.count == batchSize {
                            guard queue.put(.events(batch, path)) else { throw Cancelled() }
                            batch.removeAll(keepingCapacity: true)
                        }
                    })
                    if !batch.isEmpty, !queue.put(.events(batch, path)) { throw Cancelled() }
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
                do { for event in batch { try body(event, path) } } catch {
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

    /// Reads `file` in blocks cut after their last line end; each block is cut
    /// again into `threads` parts at line ends, parsed at once, and handed
    /// over part by part. A part's error is thrown after the events before it.
    func readBlocks(_ file: FileHandle, path: String, queue: BatchQueue, summary: inout EventReader.Summary) throws {
        defer { try? file.close() }
        var options = reader.options
        options.format = .jsonl
        if options.cleanURLs == nil { options.cleanURLs = CleanURLMemo() }  // parts share what they found clean
        let partReader = EventReader(options: options, pseudonymizer: reader.pseudonymizer)
        var carry: [UInt8] = []
        var nextLine = 1
        var atEnd = false
        while !atEnd {
            let data = try file.read(upToCount: blockBytes) ?? Data()
            atEnd = data.isEmpty
            var block = carry
            block.append(contentsOf: data)
            if block.isEmpty { break }
            var cut = block.count
            if !atEnd {
                guard let last = block.lastIndex(of: 0x0A) else { carry = block; continue }
                cut = last + 1
            }
            carry = Array(block[cut...])
            block.removeSubrange(cut...)
            // Part boundaries just after a line end, near equal sizes.
            var starts = [0]
            for k in 1..<max(1, threads) {
                var at = block.count * k / threads
                while at < block.count && at > 0 && block[at - 1] != 0x0A { at += 1 }
                if at > starts.last! && at < block.count { starts.append(at) }
            }
            starts.append(block.count)
            var firstLines = [nextLine]
            for k in 1..<starts.count {
                firstLines.append(firstLines[k - 1] + block[starts[k - 1]..<starts[k]].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) })
            }
            nextLine = firstLines.last!
            let parts = starts.count - 1
            var results = [(events: [RawEvent], summary: EventReader.Summary, error: (any Error)?)](repeating: ([], .init(), nil), count: parts)
            results.withUnsafeMutableBufferPointer { out in
                Parallel.forEach(blocks: parts, threads: threads) { k in
                    var events: [RawEvent] = []
                    do {
                        out[k].summary = try partReader.forEachEvent(bytes: Array(block[starts[k]..<starts[k + 1]]), name: path,
                                                                      firstLine: firstLines[k]) { events.append($0) }
                    } catch {
                        out[k].error = error
                    }
                    out[k].events = events
                }
            }
            for part in results {
                var at = 0
                while at < part.events.count {
                    let end = min(part.events.count, at + batchSize)
                    guard queue.put(.events(Array(part.events[at..<end]), path)) else { throw Cancelled() }
                    at = end
                }
                summary.merge(part.summary)
                if let error = part.error { throw error }
            }
        }
    }

    enum Item: @unchecked Sendable {
        case events([RawEvent], String)
        case end(EventReader.Summary)
        case failed(any Error)
    }

    /// A bounded hand-over between the reading thread and the consumer.
    final class BatchQueue: @unchecked Sendable {
        private let condition = NSCondition()
        private var items: [Item] = []
        private var cancelled = false
        private let capacity: Int

        init(capacity: Int) { self.capacity = max(1, capacity) }

        /// Waits for room; false once the consumer has given up.
        func put(_ item: Item) -> Bool {
            condition.lock()
            defer { condition.unlock() }
            while items.count >= capacity && !cancelled { condition.wait() }
            if cancelled { return false }
            items.append(item)
            condition.broadcast()
            return true
        }

        func take() -> Item {
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
