import Foundation

/// A string compared and hashed by its UTF-8 bytes. `String` compares by
/// Unicode canonical equivalence ("K" and the Kelvin sign "K" are equal),
/// which is right for text but not for identifiers: two ids that differ in
/// bytes are two visitors, and a cache keyed by `String` would give the
/// second one the first one's pseudonym, depending on what it held.
struct ExactString: Hashable {
    let value: String

    init(_ value: String) { self.value = value }

    /// Lengths first, then the bytes at once: `utf8.elementsEqual` compared a
    /// byte at a time through the generic iterator (1.6% of the service's CPU,
    /// in its URL memos).
    static func == (a: ExactString, b: ExactString) -> Bool {
        guard a.value.utf8.count == b.value.utf8.count else { return false }
        var x = a.value, y = b.value
        return x.withUTF8 { p in
            y.withUTF8 { q in p.count == q.count && (p.isEmpty || memcmp(p.baseAddress!, q.baseAddress!, p.count) == 0) }
        }
    }

    func hash(into hasher: inout Hasher) {
        var s = value
        s.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}
