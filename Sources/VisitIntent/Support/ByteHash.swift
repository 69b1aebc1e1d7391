/// Random per process: it places entries in slots, never changes a result.
private let processSeed = UInt64.random(in: .min ... .max)

/// The byte hash of the memos and string pools (`ByteMemo`, `StringPool`):
/// 64 bits, seeded, for keys of any length read in place.
public enum ByteHash {
    /// The process's seed (tables keep a copy: reaching the global costs a `swift_once`).
    public static var seed: UInt64 { processSeed }

    /// A 64-bit hash of `key`, eight bytes at a time. The last one to eight
    /// bytes are read at once, in words that may overlap those before them
    /// (a loop over them, a byte a step, mispredicted its exit for every
    /// length and cost a third of the hashing); the length is in the hash.
    @inline(__always) public static func hash(_ key: UnsafeBufferPointer<UInt8>, seed: UInt64) -> UInt64 {
        var h: UInt64 = seed ^ UInt64(key.count)
        var tail: UInt64 = 0
        // An empty key hashes the same with or without a base address (`""`'s UTF-8 has one,
        // an empty buffer may not): the pools' code 0 depends on it.
        if let base = key.baseAddress, key.count > 0 {
            let raw = UnsafeRawPointer(base)
            let n = key.count
            if n >= 8 {
                var i = 0
                while i + 8 < n {
                    h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
                    h ^= h >> 29
                    i += 8
                }
                tail = raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
            } else if n >= 4 {
                tail = UInt64(raw.loadUnaligned(as: UInt32.self)) | UInt64(raw.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)) << 32
            } else {
                tail = UInt64(base[0]) | UInt64(base[n >> 1]) << 8 | UInt64(base[n - 1]) << 16
            }
        }
        h = (h ^ tail) &* 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 32
        return (h ^ seed.byteSwapped) &* 0x9E37_79B9_7F4A_7C15 ^ (h >> 29)
    }

    /// Whether `count` bytes at `a` and at `b` are equal, read as the hash reads
    /// them: eight bytes at a time, the last one to eight in overlapping words
    /// (keys are short: a `memcmp` call cost more than the comparison).
    @inline(__always) public static func equal(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        let x = UnsafeRawPointer(a), y = UnsafeRawPointer(b)
        if n >= 8 {
            var i = 0
            while i + 8 < n {
                if x.loadUnaligned(fromByteOffset: i, as: UInt64.self) != y.loadUnaligned(fromByteOffset: i, as: UInt64.self) { return false }
                i += 8
            }
            return x.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self) == y.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
        }
        if n >= 4 {
            return x.loadUnaligned(as: UInt32.self) == y.loadUnaligned(as: UInt32.self)
                && x.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self) == y.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)
        }
        if n == 0 { return true }
        return a[0] == b[0] && a[n >> 1] == b[n >> 1] && a[n - 1] == b[n - 1]
    }
}
