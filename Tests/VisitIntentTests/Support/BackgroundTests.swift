import Foundation
import Testing
import VisitIntent

@Suite struct BackgroundTests {
    struct Boom: Error, Equatable { let code: Int }

    /// The work runs on another thread while the caller goes on, and every
    /// caller of `value()` gets its result, however many wait at once.
    @Test func valueArrivesFromAnotherThreadForEveryCaller() throws {
        let gate = DispatchSemaphore(value: 0)
        let caller = pthread_self()
        let background = Background(name: "test") { () -> [Int] in
            gate.wait()  // held until the caller has gone on: the work does not run inline
            #expect(pthread_equal(pthread_self(), caller) == 0)
            return Array(0..<1000)
        }
        gate.signal()
        let sums = UnsafeMutableBufferPointer<Int>.allocate(capacity: 4)
        defer { sums.deallocate() }
        DispatchQueue.concurrentPerform(iterations: 4) { k in sums[k] = ((try? background.value()) ?? []).reduce(0, +) }
        #expect(Array(sums) == Array(repeating: 499_500, count: 4))
        #expect(try background.value().count == 1000)
    }

    /// An error of the work reaches each caller, not the thread it ran on.
    @Test func errorIsRethrownToEachCaller() {
        let background = Background(name: "test") { () throws -> Int in throw Boom(code: 7) }
        for _ in 0..<2 {
            #expect(throws: Boom(code: 7)) { try background.value() }
        }
    }
}
