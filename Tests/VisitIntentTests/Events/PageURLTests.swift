import Testing
import VisitIntent

/// `PageURL(_:)` and `Redactor.url` take a byte path for printable-ASCII
/// URLs; the reference is the `Character` path (`PageURL(general:)`,
/// `Redactor.generalURL`), which the earlier tests pin down.
@Suite struct PageURLTests {
    @Test(arguments: [
        ("https://www.Clinique.fr/Tarifs/?utm_source=News&utm_medium=email#x", "clinique.fr", "/tarifs", "news", "email", nil),
        ("HTTP://user:pw@WWW.A.fr:8080//a//b/?gclid=1", "a.fr", "/a/b", "google", "cpc", nil),
        ("//cdn.Clinique.fr/a?fbclid=2&utm_source=x", "cdn.clinique.fr", "/a", "x", "social", nil),
        ("tarifs?=utm_source&utm_campaign==a=B", "", "/tarifs", "", nil, "=a=b"),
        ("/a?utm_source=E%2Bmail+x&msclkid", "", "/a", "e+mail x", "cpc", nil),
        ("1x://host/p", "", "/1x:/host/p", nil, nil, nil),
    ] as [(String, String, String, String?, String?, String?)])
    func parsesPrintableASCII(url: String, host: String, path: String, source: String?, medium: String?, campaign: String?) {
        let parsed = PageURL(url)
        #expect(parsed.host == host)
        #expect(parsed.path == path)
        #expect(parsed.utmSource == source)
        #expect(parsed.utmMedium == medium)
        #expect(parsed.utmCampaign == campaign)
        #expect(parsed == PageURL(general: url))
    }

    /// Random URLs built from the pieces where parsers go wrong (schemes,
    /// user info, ports, IPv6 hosts, repeated slashes, escapes, empty and
    /// `=`-led pairs, click ids, digits that redaction takes), then mutated
    /// byte by byte: the byte path equals the reference on every one.
    @Test func bytePathEqualsTheReferenceOnRandomURLs() {
        let schemes = ["https://", "http://", "HTTP://", "ht+tp://", "1x://", "://", "//", "", "a:/", "mailto:"]
        let hosts = ["www.Clinique.fr", "user:pw@WWW.a.fr:8080", "[::1]:80", "a@b@c", "www.", "WWW.X", "192.168.1.20", "", "jean@mail.fr"]
        let paths = ["/", "//a//b/", "/Tarifs/", "tarifs", "/a%20b", "/%41%2F", "/06.12.34.56.78", "/dossier12345678", "/a@b.fr/x", "", "/%C3%A9t%C3%A9", "///"]
        let params = ["utm_source=News", "UTM_MEDIUM=E%2Bmail", "utm_campaign=a+b", "=x", "==", "gclid=1", "fbclid=", "msclkid=z",
                      "a==b", "", "utm_source==x=y", "email=a%40b.fr", "utm_campaign=06%2012%2034%2056%2078", "utm_source=a&b", "Utm_Source=%E9"]
        let fragments = ["", "#top", "#a?b", "#"]
        let noise = Array(":/?#@&=%+.wW0123456789aZ[]-_~!$'()*,;".utf8)
        var rng = SeededGenerator(seed: 41)
        var checked = 0
        for i in 0..<20_000 {
            var url = schemes.randomElement(using: &rng)! + hosts.randomElement(using: &rng)! + paths.randomElement(using: &rng)!
            if Bool.random(using: &rng) {
                url += "?" + (0..<Int.random(in: 1...4, using: &rng)).map { _ in params.randomElement(using: &rng)! }.joined(separator: "&")
            }
            url += fragments.randomElement(using: &rng)!
            if i % 2 == 1 {
                var bytes = Array(url.utf8)
                for _ in 0..<Int.random(in: 1...3, using: &rng) {
                    let at = Int.random(in: 0...bytes.count, using: &rng)
                    if Bool.random(using: &rng) || bytes.isEmpty {
                        bytes.insert(noise.randomElement(using: &rng)!, at: at)
                    } else {
                        bytes.remove(at: min(at, bytes.count - 1))
                    }
                }
                url = String(decoding: bytes, as: UTF8.self)
            }
            #expect(PageURL(url) == PageURL(general: url), "\(url)")
            #expect(Redactor.url(url) == Redactor.generalURL(url), "\(url)")
            checked += 1
        }
        #expect(checked == 20_000)
    }

    /// Text the byte path declines (spaces, controls, non-ASCII, escapes in
    /// the path) still parses, through the reference.
    @Test func otherTextTakesTheReferencePath() {
        #expect(PageURL(" https://www.a.fr/b ").path == "/b")
        #expect(PageURL("https://a.fr/%C3%89t%C3%A9").path == "/été")
        #expect(PageURL("https://a.fr/Été").path == "/été")
        #expect(Redactor.url("https://a.fr/x\t") == "https://a.fr/x")
        // Found by fuzzing: "/" and a combining mark make one `Character`; collapsing "//" on them never ended.
        #expect(PageURL("/\u{488}a//b").path == "/\u{488}a/b")
        #expect(PageURL("\u{488}/x").path == "/\u{488}/x")
    }
}
