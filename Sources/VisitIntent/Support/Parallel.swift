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

    /// Default worker count: the machine's cores, or `INTENT_THREADS`.
    public static var defaultThreads: Int {
        if let t = ProcessInfo.processInfo.environment["INTENT_THREADS"].flatMap(Int.init), t > 0 { return t }
        return ProcessInfo.processInfo.activeProcessorCount
    }
}
