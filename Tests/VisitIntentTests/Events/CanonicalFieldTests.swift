import Testing
import VisitIntent

@Suite struct CanonicalFieldTests {
    /// `named` against a dictionary of the raw values, for `key` read byte by
    /// byte and as two words from a longer line (whatever follows the key).
    func expectLookup(_ key: [UInt8], _ comment: Comment? = nil) {
        let expected = String(validating: key, as: UTF8.self).flatMap { CanonicalField(rawValue: $0) }
        key.withUnsafeBufferPointer { exact in
            #expect(CanonicalField.named(exact, readable: exact.count) == expected, comment)
        }
        for filler: UInt8 in [0x00, 0x22, 0xFF] {
            let line = key + [UInt8](repeating: filler, count: 24)
            line.withUnsafeBufferPointer { b in
                let k = UnsafeBufferPointer(rebasing: b[0..<key.count])
                #expect(CanonicalField.named(k, readable: b.count) == expected, comment)
            }
        }
    }

    @Test func everyNameIsFoundAndNearMissesAreNot() {
        for field in CanonicalField.allCases {
            let name = Array(field.rawValue.utf8)
            expectLookup(name)
            expectLookup(Array(name.dropLast()), "prefix of \(field)")
            expectLookup(name + [UInt8(ascii: "x")], "\(field) and one more byte")
            expectLookup(Array(field.rawValue.uppercased().utf8), "upper case \(field)")
            for i in name.indices {  // one byte changed anywhere
                var changed = name
                changed[i] ^= 0x01
                expectLookup(changed, "\(field) with byte \(i) changed")
            }
        }
        expectLookup(Array("visitor_id_extra".utf8))  // sixteen bytes
        expectLookup(Array("a_seventeen_bytes".utf8))
    }
}
