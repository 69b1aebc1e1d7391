import Foundation
import Testing
import VisitIntent

@Suite struct CSVTextTests {
    /// Fields with a delimiter, quote or line break are quoted, whatever the
    /// characters around them: a CRLF is one `Character` (the scan by
    /// `Character` this replaced missed it), and quotes inside are doubled.
    @Test func quotesWhatWouldBreakARow() {
        #expect(CSVText.quote("plain-id_42") == "plain-id_42")
        #expect(CSVText.quote("Médecine esthétique") == "Médecine esthétique")
        #expect(CSVText.quote("a\r\nb") == "\"a\r\nb\"")
        #expect(CSVText.quote("lèvres, prix") == "\"lèvres, prix\"")
        #expect(CSVText.quote("FAQ; suites") == "\"FAQ; suites\"")
        #expect(CSVText.quote("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(CSVText.quote(",\u{301}") == "\",\u{301}\"")  // a comma carrying a combining accent is still a comma byte
    }

    /// Exactly five bytes make a field need quotes, at any place in it; the
    /// others, including those 64 or 128 above them (the test uses a mask of
    /// 64 bits), do not.
    @Test func eachByteValueIsPlainUnlessItIsADelimiterQuoteOrLineBreak() {
        let special: Set<UInt8> = [0x0A, 0x0D, 0x22, 0x2C, 0x3B]
        for byte in 0...255 {
            for at in [0, 7, 31] {
                var field = [UInt8](repeating: UInt8(ascii: "a"), count: 32)
                field[at] = UInt8(byte)
                let plain = field.withUnsafeBufferPointer { CSVText.isPlain($0) }
                #expect(plain == !special.contains(UInt8(byte)), "byte \(byte) at \(at)")
            }
        }
    }

    /// `append` writes the bytes `quote` returns, for plain and quoted fields.
    @Test func appendWritesWhatQuoteReturns() {
        for field in ["plain-id_42", "", "Médecine esthétique", "a\r\nb", "lèvres, prix", "FAQ; suites", "say \"hi\"", ",\u{301}",
                      String(repeating: "0123456789abcdef", count: 4)] {
            var bytes: [UInt8] = [0x41]
            CSVText.append(field, to: &bytes)
            #expect(bytes == [0x41] + Array(CSVText.quote(field).utf8), "\(field)")
        }
    }
}
