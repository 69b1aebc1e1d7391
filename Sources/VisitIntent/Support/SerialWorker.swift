import Foundation

/// One background thread that runs submitted jobs in submission order, with a
/// bounded queue so a fast producer waits instead of piling up work. The
/// first error a job throws is kept and handed back by the next `submit` or
/// by `finish`; later jobs are dropped. Used to overlap a pipeline's second
/// stage (scoring chunks) with its first (reading events).
///
/// The thread holds the worker until `stop()`: an owner must call it (its
/// `deinit` is a good place) or the thread waits for jobs forever.
public final class SerialWorker: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [() throws -> Void] = []
    private var closed = false
    private var running = false
    private var failure: Error?
    private let capacity: Int
    private var thread: Thread?

    public init(capacity: Int, name: String) {
        self.capacity = max(1, capacity)
        let thread = Thread { self.loop() }
        thread.name = name
        thread.stackSize = 8 << 20
        self.thread = thread
        thread.start()
    }

    /// Queues `job`, waiting for room; throws the error of an earlier job.
    public func submit(_ job: @escaping () throws -> Void) throws {
        condition.lock()
        defer { condition.unlock() }
        while jobs.count >= capacity && failure == nil && !closed { condition.wait() }
        if let failure { throw failure }
        if closed { return }  // stopped: nothing runs any more
        jobs.append(job)
        condition.broadcast()
    }

    /// Waits until every queued job has run; throws the first error.
    public func finish() throws {
        condition.lock()
        defer { condition.unlock() }
        while (!jobs.isEmpty || running) && failure == nil && !closed { condition.wait() }
        if let failure { throw failure }
    }

    /// Drops queued jobs, waits for the running one, and ends the thread.
    public func stop() {
        condition.lock()
        jobs.removeAll()
        closed = true
        condition.broadcast()
        while running || thread != nil { condition.wait() }
        condition.unlock()
    }

    private func loop() {
        condition.lock()
        while true {
            while jobs.isEmpty && !closed { condition.wait() }
            if closed && jobs.isEmpty { break }
            let job = jobs.removeFirst()
            running = true
            condition.broadcast()
            condition.unlock()
            var error: Error?
            do { try job() } catch let e { error = e }
            condition.lock()
            running = false
            if let error, failure == nil {
                failure = error
                jobs.removeAll()
            }
            condition.broadcast()
        }
        thread = nil
        condition.broadcast()
        condition.unlock()
    }
}
