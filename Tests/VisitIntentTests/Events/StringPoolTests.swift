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
}
