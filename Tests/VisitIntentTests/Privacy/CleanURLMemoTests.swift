import Testing
import VisitIntent
import VisitIntentTestSupport

@Suite struct CleanURLMemoTests {
    /// The service shares one memo across requests. Reading with it must give
    /// exactly the records read without it, and the memo must keep only URLs
    /// the redactor left unchanged: never one holding an e-mail or a number.
    @Test func sharedMemoChangesNothingAndHoldsOnlyCleanURLs() throws {
        let urls = ["https://www.clinique.fr/tarifs", "https://www.clinique.fr/patient/jean%40dupont.fr/dossier/99887766",
                    "https://www.clinique.fr/contact?email=a%40b.fr", "https://www.clinique.fr/faq/acide-hyaluronique"]
        var lines = ""
        for (i, url) in urls.enumerated() {
            lines += "{\"visitor_id\":\"v\(i)\",\"timestamp\":\"2026-11-30T10:0\(i):00Z\",\"event\":\"page_view\",\"url\":\"\(url)\",\"referrer\":\"\(urls[(i + 1) % urls.count])\"}\n"
        }
        let bytes = Array(lines.utf8)
        var options = EventReader.Options()
        options.format = .jsonl
        func read(_ options: EventReader.Options) throws -> [String] {
            var out: [String] = []
            _ = try EventReader(options: options, pseudonymizer: TestSupport.key).forEachEvent(bytes: bytes, name: "events") { out.append($0.canonicalJSONLine) }
            return out
        }
        let plain = try read(options)
        let memo = CleanURLMemo()
        options.cleanURLs = memo
        #expect(try read(options) == plain)
        #expect(try read(options) == plain)  // a second request, answered from the memo
        #expect(memo.count == 2)  // the two clean URLs only
        #expect(!plain.joined().contains("dupont") && !plain.joined().contains("99887766") && !plain.joined().contains("a@b"))
    }
}
