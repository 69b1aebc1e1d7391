import Testing
import VisitIntent

@Suite struct StringPoolTests {
    /// Code 0 is the empty string, "absent" everywhere downstream: interning ""
    /// again, or asking for its code, must give 0, not a second "".
    @Test func emptyStringIsAlwaysCodeZero() {
        var pool = StringPool()
        #expect(pool.intern("") == StringPool.empty)
        #expect(pool.code(of: "") == StringPool.empty)
        let x = pool.intern("x")
        #expect(pool.intern(String("xy".dropLast(2))) == StringPool.empty)  // an empty substring's copy
        #expect(pool.strings == ["", "x"] && x == 1)
    }

    /// Strings are told apart by exact bytes: canonically equivalent spellings keep two codes.
    @Test func exactBytesNotCanonicalEquivalence() {
        var pool = StringPool()
        let composed = pool.intern("Rh\u{F4}ne"), decomposed = pool.intern("Rho\u{302}ne")
        #expect(composed != decomposed)
        #expect(pool.intern("Rh\u{F4}ne") == composed && pool.code(of: "Rho\u{302}ne") == decomposed)
        // Many strings: the table grows and every code is still found.
        let codes = (0..<5_000).map { pool.intern("s\($0)") }
        #expect((0..<5_000).allSatisfy { pool.code(of: "s\($0)") == codes[$0] })
    }

    /// Interning another pool's string by its code (with the hash that pool
    /// holds) gives what interning the string itself gives: the same code for
    /// one already present, the next code for a new one, the empty string 0.
    /// A wrong hash would file the string where `code(of:)` never looks.
    @Test func internFromAnotherPoolMatchesInterningTheString() {
        var source = StringPool(), a = StringPool(), b = StringPool()
        let words = (0..<3_000).map { "w\($0 % 1_700)-\(String(repeating: "x", count: $0 % 40))" } + ["", "Rh\u{F4}ne", "Rho\u{302}ne"]
        let sourceCodes = words.map { source.intern($0) }
        _ = a.intern("w7-xxxxxxx"); _ = b.intern("w7-xxxxxxx")  // one already present in both
        for (word, code) in zip(words, sourceCodes) {
            #expect(a.intern(code, of: source) == b.intern(word))
        }
        #expect(a.strings == b.strings)
        #expect(words.allSatisfy { a.code(of: $0) == b.code(of: $0) && a.code(of: $0) != nil })
    }

    /// Reserving room before, between and after interning keeps every code.
    @Test func reservingKeepsCodes() {
        var pool = StringPool()
        let first = (0..<100).map { pool.intern("a\($0)") }
        pool.reserveCapacity(10_000)
        let second = (0..<10_000).map { pool.intern("b\($0)") }
        pool.reserveCapacity(5)  // smaller than held: nothing changes
        #expect((0..<100).allSatisfy { pool.code(of: "a\($0)") == first[$0] && pool.intern("a\($0)") == first[$0] })
        #expect((0..<10_000).allSatisfy { pool.code(of: "b\($0)") == second[$0] })
        #expect(pool.strings.count == 10_101)
    }

    /// Interning a batch of another pool's codes (the look-ups prefetched
    /// ahead) gives the codes and the pool of interning them one by one, in
    /// order: repeats within the batch, strings already present, the empty
    /// string, and a batch long enough to grow the table while it is interned.
    @Test func batchInterningMatchesOneByOne() {
        var source = StringPool(), batched = StringPool(), single = StringPool()
        let words = (0..<20_000).map { "v\($0 % 7_919)-\($0 % 3)" } + ["", "Rh\u{F4}ne", "Rho\u{302}ne", "v5-2"]
        let codes = words.map { source.intern($0) }
        for present in ["v11-2", "zzz"] { _ = batched.intern(present); _ = single.intern(present) }
        var out = [Int32](repeating: -1, count: codes.count)
        codes.withUnsafeBufferPointer { c in out.withUnsafeMutableBufferPointer { batched.intern(c, of: source, into: $0) } }
        let expected = codes.map { single.intern($0, of: source) }
        #expect(out == expected)
        #expect(batched.strings == single.strings)
        #expect(words.allSatisfy { batched.code(of: $0) == single.code(of: $0) })
    }
}
