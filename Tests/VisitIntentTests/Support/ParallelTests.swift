import Foundation
import Testing
import VisitIntent

@Suite struct ParallelTests {
    /// Every block runs once, and a worker never runs two blocks at a time
    /// (its scratch state is its own), even when one worker is slow.
    @Test func claimedBlocksRunOnceAndWorkersNeverOverlap() {
        final class Log: @unchecked Sendable {
            let lock = NSLock()
            var runs = [Int](repeating: 0, count: 40)
            var busy = [Bool](repeating: false, count: 3)
            var overlaps = 0
            var byWorker = [Int](repeating: 0, count: 3)
        }
        let log = Log()
        Parallel.forEachClaimed(blocks: 40, threads: 3) { block, worker in
            log.lock.lock()
            if log.busy[worker] { log.overlaps += 1 }
            log.busy[worker] = true
            log.runs[block] += 1
            log.byWorker[worker] += 1
            log.lock.unlock()
            usleep(worker == 0 ? 20_000 : 1_000)
            log.lock.lock()
            log.busy[worker] = false
            log.lock.unlock()
        }
        #expect(log.runs == [Int](repeating: 1, count: 40))
        #expect(log.overlaps == 0)
        #expect(log.byWorker.reduce(0, +) == 40)
        var serial: [Int] = []
        Parallel.forEachClaimed(blocks: 5, threads: 1) { block, worker in serial.append(block * 10 + worker) }
        #expect(serial == [0, 10, 20, 30, 40])
    }
}
