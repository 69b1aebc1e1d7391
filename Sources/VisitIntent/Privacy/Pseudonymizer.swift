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
public struct Pseudonymizer: @unchecked Sendable {
    private let key: SymmetricKey
    /// True when no key was given and a random one was drawn: pseudonyms are
    /// then stable within this run only.
    public let isEphemeral: Bool

    public init(key: Data) {
        self.key = SymmetricKey(data: key)
        self.isEphemeral = false
    }

    /// A random key for this run.
    public static func ephemeral() -> Pseudonymizer {
        var p = Pseudonymizer(key: Data(SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }))
        p = Pseudonymizer(copying: p, ephemeral: true)
        return p
    }

    private init(copying other: Pseudonymizer, ephemeral: Bool) {
        self.key = other.key
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
        if isOwnPseudonym(identifier) { return identifier }
        let mac = HMAC<SHA256>.authenticationCode(for: Data(identifier.utf8), using: key)
        let head = Hex.encode(Array(mac).prefix(8))
        return head + tag(head)
    }

    /// True when `identifier` is a pseudonym this key made.
    public func isOwnPseudonym(_ identifier: String) -> Bool {
        let u = identifier.utf8
        guard u.count == 32, u.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else { return false }
        return tag(String(identifier.prefix(16))) == identifier.suffix(16)
    }

    private func tag(_ head: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(("tag:" + head).utf8), using: key)
        return Hex.encode(Array(mac).prefix(8))
    }
}

enum Hex {
    static func encode<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }
}
