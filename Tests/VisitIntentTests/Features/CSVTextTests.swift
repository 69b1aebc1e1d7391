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
