import Foundation

/// The parallel read of one canonical JSON Lines file: this thread reads
/// blocks ahead and cuts them into parts at line ends, `threads` workers of
/// their own parse the parts, and the parts go to the consumer's queue in
/// file order as they complete.
///
/// No worker waits for another: a block's last parts are parsed while the
/// next block's first ones already are. (Parsing each block with a barrier at
/// its end left one core idle while the other finished the block's last
/// part, and both idle while the next block was read and cut: a tenth of a
/// batch-scoring run on two cores.)
final class PartPipeline<Batch: EventBatch>: @unchecked Sendable {
    /// A part to parse: bytes of one block's buffer, whole lines.
    ///
    /// Its lines are numbered when it is delivered, not when it is cut: the
    /// worker numbers them from `firstLine` (1 for the file's first part, so a
    /// byte-order mark is taken there only, else 2) and counts them, and the
    /// delivery, which knows the lines of every part before, moves the line
    /// numbers of its errors and skip examples. Counting every block's lines
    /// as it was cut cost a pass over the file on the reading thread (3% of
    /// batch scoring's wall time, alternating runs).
    private struct Part {
        var seq: Int
        var buffer: Int
        var bytes: UnsafeBufferPointer<UInt8>
        var firstLine: Int
        /// About the rows to make room for.
        var rows: Int
    }

    private struct Parsed {
        var events: Batch
        var summary: EventReader.Summary
        var error: (any Error)?
        var firstLine: Int
        /// Line ends in the part (its lines, when the last has none).
        var lines: Int
        var bytes: Int
    }

    private let reader: EventReader
    private let path: String
    private let threads: Int
    private let blockBytes: Int
    private let decoderLimits: DecoderLimits
    /// Parsed URLs shared by the parts (tables parse each page's URL once, not once per part).
    private let pageURLs = PageURLMemo()
    /// Blocks read and not yet fully parsed, at most (their buffers are held).
    private let blocksAhead = 3
    private let firstBlockBytes = 1 << 20

    private let condition = NSCondition()
    private var work: [Part] = []
    private var nextWork = 0
    private var parsed: [Int: Parsed] = [:]
    /// Per buffer, its parts not parsed yet; a buffer with none is free for the next block.
    private var unparsed: [Int] = []
    private var stopping = false
    private var workersRunning = 0

    /// Block buffers, 64-byte aligned; reused once their parts are parsed (fresh
    /// buffers cost page faults every block).
    private var buffers: [UnsafeMutableRawBufferPointer] = []

    init(reader: EventReader, path: String, threads: Int, blockBytes: Int, decoderLimits: DecoderLimits) {
        var options = reader.options
        options.format = .jsonl
        if options.cleanURLs == nil { options.cleanURLs = CleanURLMemo() }  // parts share what they found clean
        self.reader = EventReader(options: options, pseudonymizer: reader.pseudonymizer)
        self.path = path
        self.threads = max(1, threads)
        self.blockBytes = max(1, blockBytes)
        self.decoderLimits = decoderLimits
    }

    deinit { for b in buffers { b.deallocate() } }

    /// Reads `file` to its end, handing parts to `queue` in order; merges their
    /// summaries into `summary`. A part's error (or a read error) is thrown after
    /// the events before it; `PipelinedReader.Cancelled` when the consumer gave up.
    func run(_ file: FileHandle, queue: PipelinedReader.BatchQueue<Batch>, summary: inout EventReader.Summary) throws {
        startWorkers()
        defer { stopWorkers() }
        var carry: [UInt8] = []   // the partial line at the end of the last block
        var nextLine = 1          // the first line of the next part delivered
        var deliveredBytes = 0    // and of those before it, for the rows to reserve
        var nextSeq = 0, nextDelivery = 0
        var atEnd = false
        var readError: (any Error)?
        while true {
            condition.lock()
            var ready: Parsed?
            var buffer: Int?
            while true {
                if let p = parsed.removeValue(forKey: nextDelivery) { ready = p; break }
                if nextDelivery == nextSeq && (atEnd || readError != nil) { break }  // all delivered
                if !atEnd && readError == nil, let free = freeBuffer(capacity: carry.count + blockBytes) { buffer = free; break }
                condition.wait()
            }
            condition.unlock()
            if var ready {
                // A part goes over whole (a few thousand events): copying it into batches retained every string.
                if ready.events.count > 0, !queue.put(.events(ready.events, path)) { throw PipelinedReader.Cancelled() }
                let shift = nextLine - ready.firstLine
                ready.summary.skipped.shiftLines(by: shift)
                summary.merge(ready.summary)
                if let error = ready.error {
                    if let located = error as? InputError { throw located.shiftingLine(by: shift) }
                    throw error
                }
                nextLine += ready.lines
                deliveredBytes += ready.bytes
                nextDelivery += 1
                continue
            }
            guard let buffer else {
                if let readError { throw readError }
                return
            }
            // Read the next block behind the carried-over partial line, cut it into parts.
            let base = buffers[buffer].baseAddress!.assumingMemoryBound(to: UInt8.self)
            carry.withUnsafeBufferPointer { c in if let from = c.baseAddress { base.update(from: from, count: c.count) } }
            var held = carry.count
            // The first block is small: the workers start after a millisecond's read, not after a
            // whole block's (8 MB into a new buffer, its lines counted: 13 ms with both workers idle).
            let want = nextSeq == 0 ? min(blockBytes, firstBlockBytes) : blockBytes
            do {
                let got = try PipelinedReader.read(file, into: UnsafeMutableRawBufferPointer(start: base + held, count: want), path: path)
                atEnd = got == 0
                held += got
            } catch {
                readError = error
                continue
            }
            let bytes = UnsafeBufferPointer(start: UnsafePointer(base), count: held)
            var cut = held
            if !atEnd {
                guard let last = bytes.lastIndex(of: 0x0A) else {  // a line longer than a block: read on
                    carry = Array(bytes)
                    release(buffer)
                    continue
                }
                cut = last + 1
            }
            carry = Array(bytes[cut..<held])
            let block = UnsafeBufferPointer(rebasing: bytes[0..<cut])
            // Part boundaries just after a line end, near equal sizes: two parts per worker,
            // so a worker slowed by another thread on its core does not hold the others up.
            let partCount = 2 * threads
            var starts = [0]
            for k in 1..<partCount {
                var at = block.count * k / partCount
                while at < block.count && at > 0 && block[at - 1] != 0x0A { at += 1 }
                if at > starts.last! && at < block.count { starts.append(at) }
            }
            starts.append(block.count)
            if block.isEmpty {
                release(buffer)
                continue
            }
            var parts: [Part] = []
            for k in 0..<(starts.count - 1) {
                // Rows to reserve, from the bytes a line of the parts delivered so far: 10% more, so that
                // a table rarely grows by copies. Until a part has been delivered, the lines are counted.
                let bytes = starts[k + 1] - starts[k]
                let rows: Int
                if nextLine > 1 && deliveredBytes > 0 {
                    let estimate = bytes * (nextLine - 1) / deliveredBytes
                    rows = estimate + estimate / 10 + 16
                } else {
                    rows = PipelinedReader.lineEnds(in: block, starts[k]..<starts[k + 1]) + 1
                }
                parts.append(Part(seq: nextSeq, buffer: buffer, bytes: UnsafeBufferPointer(rebasing: block[starts[k]..<starts[k + 1]]),
                                  firstLine: nextSeq == 0 ? 1 : 2, rows: rows))
                nextSeq += 1
            }
            condition.lock()
            unparsed[buffer] = parts.count
            work.removeFirst(nextWork)
            nextWork = 0
            work += parts
            condition.broadcast()
            condition.unlock()
        }
    }

    /// A buffer no part is reading, holding at least `capacity` bytes; nil when
    /// `blocksAhead` blocks are still being parsed. Called with the lock held.
    private func freeBuffer(capacity: Int) -> Int? {
        // Room for a block and a line carried over from the last one (an eighth of a block:
        // sized to the block alone, a buffer was replaced at every block).
        let size = max(capacity, blockBytes + blockBytes / 8)
        guard let free = unparsed.firstIndex(of: 0) else {
            guard buffers.count < blocksAhead else { return nil }
            buffers.append(Self.allocate(size))
            unparsed.append(-1)  // claimed: no parts yet
            return buffers.count - 1
        }
        if buffers[free].count < capacity {
            buffers[free].deallocate()
            buffers[free] = Self.allocate(size)
        }
        unparsed[free] = -1
        return free
    }

    /// Frees a buffer that got no parts.
    private func release(_ buffer: Int) {
        condition.lock()
        unparsed[buffer] = 0
        condition.unlock()
    }

    private static func allocate(_ capacity: Int) -> UnsafeMutableRawBufferPointer {
        let b = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 64)
        b.bindMemory(to: UInt8.self)
        return b
    }

    private func startWorkers() {
        condition.lock()
        workersRunning = threads
        condition.unlock()
        for _ in 0..<threads {
            // Each worker keeps its admission and decoder across parts: their memos of
            // pseudonyms and redacted URLs stay warm.
            let thread = Thread { [self] in
                var state = PartState(admission: EventReader.Admission(reader: reader),
                                      decoder: EventLineDecoder(pseudonymizer: reader.pseudonymizer, consent: reader.options.consent, limits: decoderLimits))
                work(&state)
            }
            thread.name = "visitintent.parse"
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    /// Parses parts as they come, until stopped.
    private func work(_ state: inout PartState) {
        condition.lock()
        while !stopping {
            guard nextWork < work.count else {
                condition.wait()
                continue
            }
            let part = work[nextWork]
            nextWork += 1
            condition.unlock()
            var events = Batch()
            events.share(pageURLs)
            events.reserve(part.rows)
            var result = Parsed(events: Batch(), summary: .init(), error: nil, firstLine: part.firstLine, lines: 0, bytes: part.bytes.count)
            do {
                result.summary = try events.read(bytes: part.bytes, name: path, firstLine: part.firstLine, reader: reader, state: &state,
                                                 lines: &result.lines)
            } catch {
                result.error = error
            }
            result.events = events
            condition.lock()
            parsed[part.seq] = result
            unparsed[part.buffer] -= 1
            condition.broadcast()
        }
        workersRunning -= 1
        condition.broadcast()
        condition.unlock()
    }

    /// Stops the workers (a part being parsed is finished first) and waits for
    /// them: they read the buffers, which go with this pipeline.
    private func stopWorkers() {
        condition.lock()
        stopping = true
        condition.broadcast()
        while workersRunning > 0 { condition.wait() }
        condition.unlock()
    }
}
