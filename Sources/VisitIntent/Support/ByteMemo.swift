import CPrefetch
import Foundation

/// A memo keyed by raw bytes (a slice of an input line), so a repeated value
/// is recognised without making a `String` of it: open addressing over a
/// byte arena, bounded (emptied when `limit` entries or `byteLimit` key
/// bytes are reached).
///
/// Hand-written because it is on the reading hot path: a `String` and a
/// `Dictionary` lookup per field of every event cost more than parsing. The
/// hash (`ByteHash`) is seeded per process, as `Hasher` is, so keys chosen by
/// visitors (cookie ids, URLs) cannot be crafted to collide.

struct ByteMemo<Value> {
    /// Where an entry's key lies in the arena, its hash and its value: one
    /// place to read per candidate (parallel arrays cost a cache miss each on a
    /// large memo, the value one more on a hit).
    private struct Entry { var hash: UInt64; var start: UInt32; var length: UInt32; var value: Value }
    private var arena: [UInt8] = []
    private var entries: [Entry] = []
    /// Per slot, 0 when empty, else the entry index + 1 in the low 32 bits and
    /// the hash's high 32 bits above, so most probes that miss touch no entry.
    /// A power of two, at most half full.
    private var slots: [UInt64] = [UInt64](repeating: 0, count: 1024)
    let limit: Int
    let byteLimit: Int
    /// The process's seed, held here: reaching the global costs a `swift_once` per hash.
    private let seed = ByteHash.seed

    init(limit: Int, byteLimit: Int = 32 << 20) {
        self.limit = min(limit, Int(UInt32.max) - 1)
        self.byteLimit = min(byteLimit, Int(UInt32.max))  // arena offsets are 32-bit
    }

    var count: Int { entries.count }

    /// `key`'s hash, with the seed this memo holds.
    @inline(__always) func hash(_ key: UnsafeBufferPointer<UInt8>) -> UInt64 { ByteHash.hash(key, seed: seed) }

    /// The value held for `key`, if any. Read through pointers: the probe loop is
    /// run for every field of every event.
    @inline(__always) func find(_ key: UnsafeBufferPointer<UInt8>, hash: UInt64) -> Value? {
        slots.withUnsafeBufferPointer { slots in
            entries.withUnsafeBufferPointer { entries in
                arena.withUnsafeBufferPointer { arena -> Value? in
                    let mask = slots.count - 1
                    let tag = hash & 0xFFFF_FFFF_0000_0000
                    var s = Int(truncatingIfNeeded: hash) & mask
                    while true {
                        let slot = slots[s]
                        if slot == 0 { return nil }
                        if slot & 0xFFFF_FFFF_0000_0000 == tag {
                            let entry = entries[Int(slot & 0xFFFF_FFFF) - 1]
                            if entry.hash == hash && Int(entry.length) == key.count
                                && (key.isEmpty || ByteHash.equal(arena.baseAddress! + Int(entry.start), key.baseAddress!, key.count)) {
                                return entry.value
                            }
                        }
                        s = (s + 1) & mask
                    }
                }
            }
        }
    }

    /// Starts loading the slot `find(_:hash:)` reads first, so a large memo's
    /// cache miss overlaps the caller's work until its lookup.
    @inline(__always) func prefetch(hash: UInt64) {
        slots.withUnsafeBufferPointer { s in cprefetch_read(s.baseAddress! + (Int(truncatingIfNeeded: hash) & (s.count - 1))) }
    }

    /// Adds `key` (not present) with `value`, emptying the memo first when it is full.
    mutating func insert(_ key: UnsafeBufferPointer<UInt8>, hash: UInt64, value: Value) {
        if entries.count >= limit || arena.count + key.count > byteLimit { removeAll() }
        if (entries.count + 1) * 2 > slots.count { grow() }
        let e = entries.count
        entries.append(Entry(hash: hash, start: UInt32(arena.count), length: UInt32(key.count), value: value))
        arena.append(contentsOf: key)
        place(e)
    }

    mutating func removeAll() {
        arena.removeAll(keepingCapacity: true)
        entries.removeAll(keepingCapacity: true)
        for s in slots.indices { slots[s] = 0 }
    }

    private mutating func grow() {
        slots = [UInt64](repeating: 0, count: slots.count * 2)
        for e in entries.indices { place(e) }
    }

    private mutating func place(_ e: Int) {
        let mask = slots.count - 1
        let hash = entries[e].hash
        var s = Int(truncatingIfNeeded: hash) & mask
        while slots[s] != 0 { s = (s + 1) & mask }
        slots[s] = (hash & 0xFFFF_FFFF_0000_0000) | UInt64(e + 1)
    }
}
