import Foundation

/// A dictionary shared by threads and bounded: emptied when it reaches
/// `limit`. The memos of a long-running process (the scoring service) use it,
/// where a cache that only grows would be a leak.
final class BoundedSharedMap<Key: Hashable, Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var map: [Key: Value] = [:]
    private let limit: Int

    init(limit: Int) { self.limit = limit }

    subscript(key: Key) -> Value? { lock.withLock { map[key] } }

    func set(_ value: Value, for key: Key) {
        lock.withLock {
            if map.count >= limit { map.removeAll(keepingCapacity: true) }
            map[key] = value
        }
    }

    var count: Int { lock.withLock { map.count } }
}
