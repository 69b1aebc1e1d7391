import Foundation
import Crypto
import Synchronization
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

    /// The pseudonymizer composes HMAC from SHA-256 states it keeps: check it
    /// against swift-crypto's `HMAC` for short, block-sized and long keys
    /// (longer than a block: hashed first) and for empty and long messages,
    /// from several threads sharing one instance.
    @Test func composedHMACMatchesSwiftCryptoForAnyKeyLengthAndThreads() {
        for keyLength in [0, 1, 32, 63, 64, 65, 200] {
            let key = Data((0..<keyLength).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) })
            let p = Pseudonymizer(key: key)
            // Lengths either side of where the padding needs a second block (55/56) and of whole blocks.
            let messages = ["", "v", "visitor-42", String(repeating: "é", count: 100)]
                + [55, 56, 63, 64, 65, 119, 120, 128].map { String(repeating: "x", count: $0) }
            func expected(_ m: String) -> String {
                let mac = HMAC<SHA256>.authenticationCode(for: Data(m.utf8), using: SymmetricKey(data: key))
                let head = Array(mac).prefix(8).map { String(format: "%02x", $0) }.joined()
                let tag = HMAC<SHA256>.authenticationCode(for: Data(("tag:" + head).utf8), using: SymmetricKey(data: key))
                return head + Array(tag).prefix(8).map { String(format: "%02x", $0) }.joined()
            }
            let wanted = messages.map(expected)
            let mismatches = Mutex(0)
            DispatchQueue.concurrentPerform(iterations: 8) { _ in
                for _ in 0..<50 {
                    for (m, w) in zip(messages, wanted) where p.pseudonym(m) != w { mismatches.withLock { $0 += 1 } }
                }
            }
            #expect(mismatches.withLock { $0 } == 0, "key of \(keyLength) bytes")
        }
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
