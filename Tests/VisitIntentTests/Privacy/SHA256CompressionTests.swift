import CSHA256
import Crypto
import Foundation
import Testing

/// The compression function behind pseudonyms, against FIPS 180-2's published
/// digests and swift-crypto, on both the SHA-extensions and portable paths.
@Suite struct SHA256CompressionTests {
    static let initial: [UInt32] = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]

    func digest(_ message: [UInt8]) -> String {
        var out = [UInt8](repeating: 0, count: 32)
        Self.initial.withUnsafeBufferPointer { s in csha256_finish(s.baseAddress!, 0, message, message.count, &out) }
        return out.map { String(format: "%02x", $0) }.joined()
    }

    @Test func publishedDigests() {
        // FIPS 180-2, appendix B, and the empty message.
        #expect(digest(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(digest([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(digest(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(digest([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000))
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func matchesSwiftCryptoAtEveryLengthAcrossBlocks() {
        var rng = SystemRandomNumberGenerator()
        for length in 0...200 {
            let message = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let expected = SHA256.hash(data: message).map { String(format: "%02x", $0) }.joined()
            #expect(digest(message) == expected, "length \(length)")
        }
    }

    /// The dispatching function (SHA extensions where the processor has them)
    /// and the portable one agree on random states and blocks.
    @Test func acceleratedAndPortablePathsAgree() {
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 { seed = seed &* 6364136223846793005 &+ 1442695040888963407; return seed >> 11 }
        for count in [1, 2, 3, 7] {
            for _ in 0..<50 {
                let blocks = (0..<(64 * count)).map { _ in UInt8(truncatingIfNeeded: next()) }
                let start = (0..<8).map { _ in UInt32(truncatingIfNeeded: next()) }
                var a = start, b = start
                csha256_compress(&a, blocks, count)
                csha256_compress_portable(&b, blocks, count)
                #expect(a == b, "\(count) blocks")
            }
        }
        print("SHA extensions used: \(csha256_accelerated() == 1)")
    }
}
