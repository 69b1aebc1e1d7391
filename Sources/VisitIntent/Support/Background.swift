import Foundation

/// A value computed on a thread of its own while the caller goes on; `value()`
/// waits for it (or rethrows its error). `intent score` loads its model this
/// way while the first events are read and parsed: the load (JSON, the
/// taxonomy's YAML, the feature spec) took 18 ms with the parsing threads idle.
public final class Background<Value>: @unchecked Sendable {
    private let condition = NSCondition()
    private var result: Result<Value, any Error>?

    public init(name: String, _ work: @escaping @Sendable () throws -> Value) {
        let thread = Thread { [self] in
            let r = Result { try work() }
            condition.withLock {
                result = r
                condition.broadcast()
            }
        }
        thread.name = name
        thread.stackSize = 8 << 20
        thread.start()
    }

    public func value() throws -> Value {
        let r = condition.withLock {
            while result == nil { condition.wait() }
            return result!
        }
        return try r.get()
    }
}
