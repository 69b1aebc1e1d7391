import Foundation
import Crypto
import Testing
import VisitIntent

@Suite struct PseudonymizerTests {
    @Test func keyedAndStable() {
        let a = Pseudonymizer(key: Data("k1".utf8)), b = Pseudonymizer(key: Data("k2".utf8))
        #expect(a.pseudonym("visitor-1") == a.pseudonym("visitor-1"))
        #expect(a.pseudonym("visitor-1") != b.pseudonym("visitor-1"))
        #expect(a.pseudonym("visitor-1") != a.pseudonym("visitor-2"))
    }

    @Test func matchesHMACSHA256() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        let p = Pseudonymizer(key: Data("Jefe".utf8))
        #expect(p.pseudonym("what do ya want for nothing?") == "5bdcc146bf60754e6a042426089575c7")
    }
}
