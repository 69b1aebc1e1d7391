/// A string compared and hashed by its UTF-8 bytes. `String` compares by
/// Unicode canonical equivalence ("K" and the Kelvin sign "K" are equal),
/// which is right for text but not for identifiers: two ids that differ in
/// bytes are two visitors, and a cache keyed by `String` would give the
/// second one the first one's pseudonym, depending on what it held.
struct ExactString: Hashable {
    let value: String

    init(_ value: String) { self.value = value }

    static func == (a: ExactString, b: ExactString) -> Bool { a.value.utf8.elementsEqual(b.value.utf8) }

    func hash(into hasher: inout Hasher) {
        var s = value
        s.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}
