import Testing
import VisitIntent
import VisitIntentTestSupport

@Suite struct PageURLMemoTests {
    typealias T = TestSupport

    /// Tables that share a memo (the service's, one per request) hold exactly
    /// what a table without it holds, and the memo never outgrows its limit.
    @Test func sharedMemoGivesTheSameTablesAndStaysBounded() throws {
        let urls = ["https://www.Clinique.fr/Tarifs/?utm_source=News&utm_medium=email", "/faq/acide-hyaluronique/",
                    "https://clinique.fr//avant-apres?gclid=x", "https://www.google.fr/search?q=rides", "//cdn.clinique.fr/a"]
        var text = ""
        for (i, url) in urls.enumerated() {
            text += T.event("v\(i)", "2026-09-01T10:0\(i):00Z", url: url, extra: "\"referrer\":\"\(urls[(i + 2) % urls.count])\"") + "\n"
        }
        let path = T.write(text)
        func strings(_ t: EventTable) -> [[String]] {
            (0..<t.count).map { r in [t.path[r], t.host[r], t.referrerHost[r], t.source[r], t.medium[r], t.campaign[r]].map { t.pool[$0] } }
        }
        let (plain, _) = try T.read(text)
        let memo = PageURLMemo(limit: 3)
        for _ in 0..<3 {
            var table = EventTable()
            table.pageURLs = memo
            _ = try EventReader(pseudonymizer: T.key).forEachEvent(path: path) { table.append($0, visitorPseudonym: $0.visitorId!) }
            #expect(strings(table) == strings(plain))
            #expect(memo.count <= 3)
        }
        #expect(strings(plain)[0] == ["/tarifs", "clinique.fr", "clinique.fr", "news", "email", ""])
    }
}
