import Foundation

/// A value derived from an immutable model and built on first use, then shared
/// by every copy of the model and every thread (a reference held by the model
/// struct). Derived data never makes two models differ, so any two compare equal,
/// and it is never written to the model file.
final class BuiltOnce<Value>: @unchecked Sendable, Equatable {
    private let lock = NSLock()
    private var built: Value?

    /// The value, built by `make` the first time (under the lock: concurrent first callers wait).
    func value(_ make: () -> Value) -> Value {
        lock.withLock {
            if let built { return built }
            let value = make()
            built = value
            return value
        }
    }

    static func == (a: BuiltOnce, b: BuiltOnce) -> Bool { true }
}
