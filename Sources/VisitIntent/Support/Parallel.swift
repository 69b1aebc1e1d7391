import Foundation

/// Runs independent blocks of work on up to `threads` threads.
///
/// Callers give each block its own output slots and, when blocks produce
/// partial sums, add them up afterwards in block order, so results never
/// depend on the thread count or on scheduling.
public enum Parallel {
    /// Calls `body(block)` for `block` in `0..<blocks`.
    public static func forEach(blocks: Int, threads: Int, _ body: (Int) -> Void) {
        if threads <= 1 || blocks <= 1 {
            for b in 0..<blocks { body(b) }
        } else {
            // `threads` workers take blocks in turn (worker w does w, w + threads, …).
            let workers = min(threads, blocks)
            withoutActuallyEscaping(body) { body in
                DispatchQueue.concurrentPerform(iterations: workers) { w in
                    var b = w
                    while b < blocks { body(b); b += workers }
                }
            }
        }
    }

    /// Calls `body(block, worker)` for `block` in `0..<blocks`; each worker
    /// takes the next block when it is done, so blocks of unequal cost (or a
    /// worker slowed by another thread on its core) still keep every core busy.
    /// `worker` is in `0..<min(threads, blocks)` and runs one block at a time,
    /// so a worker may keep scratch state of its own; results must not depend
    /// on which worker ran a block.
    public static func forEachClaimed(blocks: Int, threads: Int, _ body: (_ block: Int, _ worker: Int) -> Void) {
        if threads <= 1 || blocks <= 1 {
            for b in 0..<blocks { body(b, 0) }
            return
        }
        let next = Claims()
        withoutActuallyEscaping(body) { body in
            DispatchQueue.concurrentPerform(iterations: min(threads, blocks)) { w in
                while let b = next.claim(below: blocks) { body(b, w) }
            }
        }
    }

    private final class Claims: @unchecked Sendable {
        private let lock = NSLock()
        private var next = 0
        func claim(below limit: Int) -> Int? {
            lock.lock()
            defer { lock.unlock() }
            guard next < limit else { return nil }
            next += 1
            return next - 1
        }
    }

    /// Default worker count: the machine's cores, or `INTENT_THREADS`.
    public static var defaultThreads: Int {
        if let t = ProcessInfo.processInfo.environment["INTENT_THREADS"].flatMap(Int.init), t > 0 { return t }
        return ProcessInfo.processInfo.activeProcessorCount
    }
}
