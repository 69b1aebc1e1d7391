import Foundation
import Testing
import VisitIntent

@Suite struct ByteHashTests {
    static func hash(_ bytes: [UInt8], at offset: Int = 0, seed: UInt64 = 0x1234_5678_9ABC_DEF0) -> UInt64 {
        // The key placed `offset` bytes into a larger buffer, other bytes around it: the hash
        // must read the key's bytes only, wherever they lie.
        var buffer = [UInt8](repeating: UInt8(0xA0 + offset % 16), count: offset + bytes.count + 16)
        buffer.replaceSubrange(offset..<(offset + bytes.count), with: bytes)
        return buffer.withUnsafeBufferPointer { ByteHash.hash(UnsafeBufferPointer(rebasing: $0[offset..<(offset + bytes.count)]), seed: seed) }
    }

    /// Every byte of every length counts: changing any one byte, or the length,
    /// changes the hash (the last bytes are read in overlapping words, and a
    /// byte left out would make keys that differ there collide every time).
    @Test func everyByteAndTheLengthCount() {
        var rng = SeededGenerator(seed: 5)
        var collisions: [String] = []
        for n in 0...40 {
            let key = (0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            let h = Self.hash(key)
            for i in 0..<n {
                for delta: UInt8 in [1, 0x80, 0xFF] {
                    var other = key
                    other[i] &+= delta
                    if Self.hash(other) == h { collisions.append("length \(n), byte \(i), +\(delta)") }
                }
            }
            if Self.hash(key + [0]) == h { collisions.append("length \(n) and a zero byte more") }
        }
        #expect(collisions.isEmpty, "\(collisions.prefix(5))")
    }

    /// The same bytes hash the same at any address and alignment; an empty key
    /// the same with or without a base address (a pool's code 0 depends on it).
    @Test func placeDoesNotMatter() {
        for n in 0...40 {
            let key = (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            let hashes = Set((0..<9).map { Self.hash(key, at: $0) })
            #expect(hashes.count == 1, "length \(n)")
        }
        let empty = ByteHash.hash(UnsafeBufferPointer(start: nil, count: 0), seed: 42)
        var s = ""
        #expect(s.withUTF8 { ByteHash.hash($0, seed: 42) } == empty)
    }

    /// `equal` tells every one-byte difference, for every length and place of
    /// the two keys, and finds equal keys equal wherever they lie.
    @Test func equalSeesEveryByte() {
        var wrong: [String] = []
        for n in 0...40 {
            let key = (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 53 &+ 7) }
            for offset in [0, 3] {
                var a = [UInt8](repeating: 0x11, count: n + 16), b = [UInt8](repeating: 0x22, count: n + offset + 16)
                a.replaceSubrange(0..<n, with: key)
                b.replaceSubrange(offset..<(offset + n), with: key)
                let same = a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in ByteHash.equal(pa.baseAddress!, pb.baseAddress! + offset, n) } }
                if !same { wrong.append("length \(n) at +\(offset): equal keys differ") }
                for i in 0..<n {
                    b[offset + i] &+= 1
                    let differs = a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in !ByteHash.equal(pa.baseAddress!, pb.baseAddress! + offset, n) } }
                    if !differs { wrong.append("length \(n) at +\(offset): byte \(i) unseen") }
                    b[offset + i] &-= 1
                }
            }
        }
        #expect(wrong.isEmpty, "\(wrong.prefix(5))")
    }
}
