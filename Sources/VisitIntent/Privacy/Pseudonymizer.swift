import CSHA256
import Crypto
import Foundation

/// Replaces visitor identifiers by a keyed hash as soon as they are read, so
/// raw identifiers never reach a model, score file, report or log.
///
/// `pseudonym = h ‖ tag`, `h = hex(HMAC-SHA256(key, id))[0..<16]` and
/// `tag = hex(HMAC-SHA256(key, "tag:" ‖ h))[0..<16]`: stable for one key (so a
/// practice can join scores across runs), unlinkable without it. 64 bits of
/// `h` keep collisions unlikely below billions of visitors; the 64-bit tag
/// lets the same key recognise its own pseudonyms (a raw 32-hex id, such as
/// an MD5, passes for one with probability 2⁻⁶⁴), so reading a file
/// VisitIntent wrote (converted events, labels, scores) keeps its ids
/// instead of hashing them twice.
///
/// HMAC-SHA256 is composed here (RFC 2104) from SHA-256's compression
/// function (`CSHA256`): the key's inner and outer pad blocks are compressed
/// once, and each MAC finishes from those two saved states. swift-crypto
/// cannot continue a saved state without copying its heap-allocated context
/// (eight allocations a pseudonym, four times the compressions' cost, 16% of
/// the decoding threads in batch scoring); its `HMAC` also redoes the key
/// set-up on every call. The tests check the result against swift-crypto's
/// `HMAC` and RFC 4231's published values.
public struct Pseudonymizer: Sendable {
    /// SHA-256 states after the key ⊕ ipad and key ⊕ opad blocks: one 64-byte block each.
    private let inner: SIMD8<UInt32>, outer: SIMD8<UInt32>
    /// True when no key was given and a random one was drawn: pseudonyms are
    /// then stable within this run only.
    public let isEphemeral: Bool

    public init(key: Data) {
        var block = key.count > 64 ? Array(SHA256.hash(data: key)) : Array(key)
        block += [UInt8](repeating: 0, count: 64 - block.count)
        func state(after pad: UInt8) -> SIMD8<UInt32> {
            var s = Pseudonymizer.initialState
            let padded = block.map { $0 ^ pad }
            withUnsafeMutableBytes(of: &s) { csha256_compress($0.baseAddress!.assumingMemoryBound(to: UInt32.self), padded, 1) }
            return s
        }
        self.inner = state(after: 0x36)
        self.outer = state(after: 0x5C)
        self.isEphemeral = false
    }

    /// HMAC-SHA256(key, message), its first eight bytes as hex into `out` (16 bytes).
    private func macHead(_ message: UnsafeRawBufferPointer, into out: UnsafeMutableBufferPointer<UInt8>) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { digest in
            let d = digest.baseAddress!
            withUnsafeBytes(of: inner) { s in
                csha256_finish(s.baseAddress!.assumingMemoryBound(to: UInt32.self), 1,
                               message.baseAddress?.assumingMemoryBound(to: UInt8.self), message.count, d)
            }
            withUnsafeBytes(of: outer) { s in csha256_finish(s.baseAddress!.assumingMemoryBound(to: UInt32.self), 1, d, 32, d) }
            Hex.encode(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: digest[0..<8])), into: out)
        }
    }

    /// SHA-256's initial hash value (FIPS 180-4 §5.3.3).
    private static let initialState = SIMD8<UInt32>(0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                                     0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19)

    /// A random key for this run.
    public static func ephemeral() -> Pseudonymizer {
        var p = Pseudonymizer(key: Data(SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }))
        p = Pseudonymizer(copying: p, ephemeral: true)
        return p
    }

    private init(copying other: Pseudonymizer, ephemeral: Bool) {
        self.inner = other.inner
        self.outer = other.outer
        self.isEphemeral = ephemeral
    }

    /// The key from `INTENT_PSEUDONYM_KEY` (any text, used as bytes) or from
    /// a key file; an ephemeral key when neither is given.
    public static func fromEnvironment(keyFile: String? = nil) throws -> Pseudonymizer {
        if let keyFile {
            guard var data = FileManager.default.contents(atPath: keyFile), !data.isEmpty else {
                throw InputError(file: keyFile, reason: .unreadable, detail: "cannot read the pseudonym key file, or it is empty")
            }
            // `echo key > file` adds a newline: drop one, so the file and INTENT_PSEUDONYM_KEY=key agree.
            if data.last == 0x0A { data.removeLast() }
            if data.last == 0x0D { data.removeLast() }
            return Pseudonymizer(key: data)
        }
        if let text = ProcessInfo.processInfo.environment["INTENT_PSEUDONYM_KEY"], !text.isEmpty {
            return Pseudonymizer(key: Data(text.utf8))
        }
        return .ephemeral()
    }

    public func pseudonym(_ identifier: String) -> String {
        var identifier = identifier
        return identifier.withUTF8 { pseudonym(utf8: $0) }
    }

    /// The pseudonym of an identifier given as UTF-8 bytes. Works on bytes
    /// throughout (one `String` made, for the result): the decoder hashes a
    /// few hundred thousand ids per million events, and the `String` and
    /// `Digest` steps cost four times the SHA-256 compressions.
    public func pseudonym(utf8 id: UnsafeBufferPointer<UInt8>) -> String {
        if isOwnPseudonym(utf8: id) { return String(decoding: id, as: UTF8.self) }
        return String(unsafeUninitializedCapacity: 32) { out in
            macHead(UnsafeRawBufferPointer(id), into: UnsafeMutableBufferPointer(rebasing: out[0..<16]))
            tag(head: UnsafeBufferPointer(rebasing: out[0..<16]), into: UnsafeMutableBufferPointer(rebasing: out[16..<32]))
            return 32
        }
    }

    /// True when `identifier` is a pseudonym this key made.
    public func isOwnPseudonym(_ identifier: String) -> Bool {
        var identifier = identifier
        return identifier.withUTF8 { isOwnPseudonym(utf8: $0) }
    }

    private func isOwnPseudonym(utf8 u: UnsafeBufferPointer<UInt8>) -> Bool {
        guard u.count == 32, u.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else { return false }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 16) { t in
            tag(head: UnsafeBufferPointer(rebasing: u[0..<16]), into: t)
            return t.elementsEqual(u[16..<32])
        }
    }

    /// The tag of a 16-hex-digit head: hex of HMAC(key, "tag:" ‖ head), 16 digits into `out`.
    private func tag(head: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<UInt8>) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { message in
            message[0] = UInt8(ascii: "t"); message[1] = UInt8(ascii: "a"); message[2] = UInt8(ascii: "g"); message[3] = UInt8(ascii: ":")
            for k in 0..<16 { message[4 + k] = head[k] }
            macHead(UnsafeRawBufferPointer(message), into: out)
        }
    }
}

enum Hex {
    static func encode<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        Array(bytes).withUnsafeBytes { raw in
            String(unsafeUninitializedCapacity: 2 * raw.count) { out in
                encode(raw, into: out)
                return 2 * raw.count
            }
        }
    }

    /// `bytes` as lowercase hex into `out` (twice as long).
    static func encode(_ bytes: UnsafeRawBufferPointer, into out: UnsafeMutableBufferPointer<UInt8>) {
        precondition(out.count >= 2 * bytes.count)
        @inline(__always) func digit(_ v: UInt8) -> UInt8 { v < 10 ? 48 + v : 87 + v }
        for (k, b) in bytes.enumerated() {
            out[2 * k] = digit(b >> 4)
            out[2 * k + 1] = digit(b & 15)
        }
    }
}
