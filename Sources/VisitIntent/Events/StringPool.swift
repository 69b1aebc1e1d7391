import Foundation

/// Interns strings to dense `Int32` codes so that events hold integers, not
/// boxed strings: one lookup per distinct field value on read, none afterwards.
///
/// Strings are equal here when their UTF-8 bytes are: unlike a
/// `Dictionary<String, _>`, which merges canonically equivalent spellings
/// (NFC and NFD "é") under whichever came first, so that the spelling kept
/// depended on the order of the input. The table is hand-written open
/// addressing over the memos' seeded hash (`ByteHash`): every event's strings are
/// interned two or three times on their way to the scorer, and `String`
/// hashing and `Dictionary` growth were a tenth of batch scoring.
public struct StringPool: Sendable {
    public private(set) var strings: [String] = [""]
    /// Hash of each string, by code.
    private var hashes: [UInt64]
    private let seed = ByteHash.seed
    /// Per slot, 0 when empty, else the code + 1 in the low 32 bits and the
    /// hash's high 32 bits above (as `ByteMemo`): a probe reads no other array
    /// unless the tags agree. A power of two, at most half full.
    private var slots: [UInt64]

    public init() {
        hashes = [ByteHash.hash(UnsafeBufferPointer(start: nil, count: 0), seed: seed)]
        slots = [UInt64](repeating: 0, count: 64)
        place(0)
    }

    /// Code 0 is the empty string, which stands for "absent".
    public static let empty: Int32 = 0

    public mutating func intern(_ string: String) -> Int32 {
        var string = string
        let (h, found) = string.withUTF8 { key in
            let h = ByteHash.hash(key, seed: seed)
            return (h, find(key, hash: h))
        }
        if let found { return found }
        return add(string, hash: h)
    }

    /// `intern(source[code])`, with the hash `source` already holds: strings
    /// go from the reading threads' pools to the scorer's, and a pseudonym's
    /// 32 bytes were hashed again at each step.
    public mutating func intern(_ code: Int32, of source: StringPool) -> Int32 {
        assert(source.seed == seed, "pools hash with the process's one seed")
        var string = source.strings[Int(code)]
        let h = source.hashes[Int(code)]
        if let found = string.withUTF8({ find($0, hash: h) }) { return found }
        return add(string, hash: h)
    }

    /// Interns `codes` of `source` in order, as `intern(_:of:)` one by one
    /// would, and returns their codes here. The slot each probe reads first
    /// is loaded a few strings ahead: in the scorer's pool of every visitor
    /// (megabytes), that first load was most of an intern's time in `perf`.
    public mutating func intern(_ codes: UnsafeBufferPointer<Int32>, of source: StringPool, into out: UnsafeMutableBufferPointer<Int32>) {
        precondition(out.count >= codes.count)
        let ahead = 8
        for k in codes.indices {
            if k + ahead < codes.count { prefetch(hash: source.hashes[Int(codes[k + ahead])]) }
            out[k] = intern(codes[k], of: source)
        }
    }

    /// Starts loading the slot a lookup of `hash` reads first. Growth may move
    /// the table: the hint is then wasted, never wrong.
    @inline(__always) private func prefetch(hash: UInt64) {
        slots.prefetch(Int(truncatingIfNeeded: hash) & (slots.count - 1))
    }

    /// Makes room for `count` strings in all, so the table does not grow by rehashing.
    public mutating func reserveCapacity(_ count: Int) {
        strings.reserveCapacity(count)
        hashes.reserveCapacity(count)
        var size = slots.count
        while size < 2 * count { size *= 2 }
        if size > slots.count { rehash(slots: size) }
    }

    private mutating func add(_ string: String, hash h: UInt64) -> Int32 {
        let code = Int32(strings.count)
        strings.append(string)
        hashes.append(h)
        if strings.count * 2 > slots.count { rehash(slots: slots.count * 2) } else { place(Int(code)) }
        return code
    }

    /// The code of `string` if it was interned.
    public func code(of string: String) -> Int32? {
        var string = string
        return string.withUTF8 { find($0, hash: ByteHash.hash($0, seed: seed)) }
    }

    public subscript(code: Int32) -> String { strings[Int(code)] }

    private func find(_ key: UnsafeBufferPointer<UInt8>, hash: UInt64) -> Int32? {
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: hash) & mask
        let tag = hash & 0xFFFF_FFFF_0000_0000
        // Candidates are read in place through the buffer (copying a `String` out of the
        // array retained and released it per probe).
        return strings.withUnsafeBufferPointer { strings -> Int32? in
            while true {
                let slot = slots[i]
                if slot == 0 { return nil }
                let c = Int(slot & 0xFFFF_FFFF) - 1
                if slot & 0xFFFF_FFFF_0000_0000 == tag && hashes[c] == hash {
                    let same = strings[c].utf8.withContiguousStorageIfAvailable { b in
                        b.count == key.count && (key.isEmpty || ByteHash.equal(b.baseAddress!, key.baseAddress!, key.count))
                    } ?? strings[c].utf8.elementsEqual(key)
                    if same { return Int32(c) }
                }
                i = (i + 1) & mask
            }
        }
    }

    /// A table of `size` slots (a power of two) holding every string again.
    private mutating func rehash(slots size: Int) {
        slots = [UInt64](repeating: 0, count: size)
        for c in strings.indices { place(c) }
    }

    private mutating func place(_ c: Int) {
        let mask = slots.count - 1
        let h = hashes[c]
        var i = Int(truncatingIfNeeded: h) & mask
        while slots[i] != 0 { i = (i + 1) & mask }
        slots[i] = (h & 0xFFFF_FFFF_0000_0000) | UInt64(c + 1)
    }
}
