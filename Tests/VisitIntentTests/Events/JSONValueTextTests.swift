import Foundation
import Testing
import VisitIntent

@Suite struct JSONValueTextTests {
    /// Text written by `jsonText` is read back by the parser to an equal value,
    /// and Foundation's parser (an independent reference) reads the same
    /// strings and numbers from it, escapes and non-ASCII text included.
    @Test func writtenTextParsesBackToTheSameValue() throws {
        let value = JSONValue.object([
            ("quote \" and \\ backslash", .string("line\nbreak\ttab\r\u{01}control é 漢字 😀")),
            ("numbers", .array([.number("0"), .number("-12.5e-3"), .number("12345678901234567890")])),
            ("flags", .array([.bool(true), .bool(false), .null])),
            ("nested", .object([("empty", .object([])), ("list", .array([]))])),
        ])
        let text = value.jsonText
        let back = try Array(text.utf8).withUnsafeBufferPointer { try JSONLineParser.parseTree($0) }
        #expect(back == value)
        let foundation = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(foundation["quote \" and \\ backslash"] as? String == "line\nbreak\ttab\r\u{01}control é 漢字 😀")
        #expect((foundation["numbers"] as? [Any])?.count == 3)
    }

    @Test func numbersAreWrittenAsJSONWritesThem() {
        #expect(JSONValue(number: 120.0).jsonText == "120")
        #expect(JSONValue(number: -0.0).jsonText == "0")
        #expect(JSONValue(number: 0.25).jsonText == "0.25")
        #expect(JSONValue(number: Float(0.1)).jsonText == "0.1")
        #expect(JSONValue(number: Double.nan).jsonText == "\"nan\"")
        #expect(JSONValue(number: -Double.infinity).jsonText == "\"-inf\"")
        #expect(Double(JSONValue(number: 0.3922147480043794).jsonText) == 0.3922147480043794)
    }
}
