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
        // The first 16 hex digits are the HMAC; the last 16 tag it as this key's.
        let id = p.pseudonym("what do ya want for nothing?")
        #expect(id.prefix(16) == "5bdcc146bf60754e")
        let tag = HMAC<SHA256>.authenticationCode(for: Data("tag:5bdcc146bf60754e".utf8), using: SymmetricKey(data: Data("Jefe".utf8)))
        #expect(id.suffix(16) == Array(tag).prefix(8).map { String(format: "%02x", $0) }.joined())
    }

    @Test func ownPseudonymsAreKeptOtherKeysAreNot() {
        let a = Pseudonymizer(key: Data("k1".utf8)), b = Pseudonymizer(key: Data("k2".utf8))
        let id = a.pseudonym("visitor-1")
        #expect(a.isOwnPseudonym(id) && a.pseudonym(id) == id)
        #expect(!b.isOwnPseudonym(id) && b.pseudonym(id) != id)
        // A raw id that merely looks like hex is hashed.
        #expect(a.pseudonym("0123456789abcdef0123456789abcdef") != "0123456789abcdef0123456789abcdef")
    }
}
