import Foundation
import Testing
import VisitIntent

@Suite struct SerialWorkerTests {
    final class Log: @unchecked Sendable {
        let lock = NSLock()
        var items: [Int] = []
        func add(_ i: Int) { lock.withLock { items.append(i) } }
        var all: [Int] { lock.withLock { items } }
    }
    struct Boom: Error {}

    /// Jobs run one at a time in submission order, however fast they come.
    @Test func jobsRunInOrder() throws {
        let worker = SerialWorker(capacity: 1, name: "test")
        defer { worker.stop() }
        let log = Log()
        for i in 0..<200 { try worker.submit { if i % 7 == 0 { usleep(200) }; log.add(i) } }
        try worker.finish()
        #expect(log.all == Array(0..<200))
    }

    /// A job's error comes back from a later submit or from finish, and the
    /// jobs queued after it never run.
    @Test func firstErrorIsHandedBackAndLaterJobsAreDropped() throws {
        let worker = SerialWorker(capacity: 4, name: "test")
        defer { worker.stop() }
        let log = Log()
        var thrownBySubmit = false
        do {
            for i in 0..<50 {
                try worker.submit {
                    if i == 3 { throw Boom() }
                    usleep(100)
                    log.add(i)
                }
            }
        } catch is Boom { thrownBySubmit = true }
        if !thrownBySubmit { #expect(throws: Boom.self) { try worker.finish() } }
        #expect(log.all == [0, 1, 2])
        #expect(throws: Boom.self) { try worker.submit { log.add(99) } }
        #expect(!log.all.contains(99))
    }

    /// stop() waits for the running job, drops the queue, and ends the thread.
    @Test func stopDropsQueuedJobs() throws {
        let worker = SerialWorker(capacity: 8, name: "test")
        let log = Log()
        for i in 0..<8 { try worker.submit { usleep(20_000); log.add(i) } }
        worker.stop()
        let seen = log.all
        #expect(seen.count < 8 && seen == Array(0..<seen.count))
        usleep(50_000)
        #expect(log.all == seen)
    }
}
