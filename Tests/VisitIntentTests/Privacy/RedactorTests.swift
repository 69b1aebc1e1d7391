import Testing
import VisitIntent
import VisitIntentTestSupport

@Suite struct RedactorTests {
    @Test(arguments: [
        ("Contact: jean.dupont+rdv@exemple-mail.fr merci", "Contact: [email] merci"),
        ("appelez le 06 12 34 56 78", "appelez le [phone]"),
        ("appelez le 06.12.34.56.78 ou 0612345678", "appelez le [phone] ou [phone]"),
        ("tel +33 6 12 34 56 78", "tel [phone]"),
        ("tel +33 (0)1 42 68 53 00.", "tel [phone]."),
        ("UK +44 20 7946 0958", "UK [phone]"),
        ("dossier patient 12345678", "dossier patient [number]"),
        ("from 192.168.1.20 today", "from [ip] today"),
        ("v6 2001:db8::ff00:42:8329 end", "v6 [ip] end"),
        ("injections acide hyaluronique 2026", "injections acide hyaluronique 2026"),
        ("rdv le 30/11/2026 à 14:30:00", "rdv le 30/11/2026 à 14:30:00"),
        ("RDV 2026-11-28 10:30", "RDV 2026-11-28 10:30"),
        ("prix 350 € à 1 200 €", "prix 350 € à 1 200 €"),
        ("café@", "café@"),
        ("dossier12345678 merci612345678", "dossier[number] merci[number]"),  // found by fuzzing: digits glued to letters
    ])
    func redactsPersonalDataInText(input: String, expected: String) {
        #expect(Redactor.text(input) == expected)
    }

    @Test func urlKeepsOnlyCampaignParametersAndRedactsThePath() {
        #expect(Redactor.url("https://www.clinique.fr/tarifs?utm_source=news&email=a%40b.fr&utm_medium=email#top")
                == "https://www.clinique.fr/tarifs?utm_source=news&utm_medium=email")
        #expect(Redactor.url("https://www.clinique.fr/lp?gclid=Cj0KCQ123") == "https://www.clinique.fr/lp?utm_source=google&utm_medium=cpc")
        #expect(Redactor.url("https://www.clinique.fr/patient/jean%40dupont.fr/dossier/99887766") == "https://www.clinique.fr/patient/[email]/dossier/[number]")
        #expect(Redactor.url("http://user:secret@10.0.0.7:8080/x") == "http://[ip]:8080/x")
        #expect(Redactor.url("/faq") == "/faq")
        // One broken escape does not keep the others from being decoded (and redacted).
        #expect(Redactor.url("https://site.fr/dossier/patient%40x.fr/%FF") == "https://site.fr/dossier/[email]/\u{FFFD}")
        // Found by fuzzing: text before "://" that is not a scheme is redacted like the rest.
        #expect(Redactor.url("patient 0612345678 see https://x.fr/") == "patient [phone] see https://x.fr/")
        // Found by fuzzing: letters and digits pass for a scheme, and its digit runs are redacted too.
        #expect(Redactor.url("app123456789x://x.fr/") == "app[number]x://x.fr/")
        #expect(Redactor.url(" app123456789x://x.fr/ ") == "app[number]x://x.fr/")
    }

    @Test func readerRedactsBeforeStoringAnything() throws {
        let line = #"{"visitor_id":"v","timestamp":"2026-09-01T10:00:00Z","event":"page_view","url":"https://c.fr/rdv/0612345678?email=x@y.fr","title":"Merci marie@x.fr","search_term":"06 11 22 33 44","referrer":"https://mail.example.com/?u=a@b.com"}"#
        let path = TestSupport.write(line + "\n")
        var seen: [RawEvent] = []
        _ = try EventReader(pseudonymizer: TestSupport.key).forEachEvent(path: path) { seen.append($0) }
        #expect(seen.count == 1)
        let e = seen[0]
        #expect(e.url == "https://c.fr/rdv/[phone]")
        #expect(e.title == "Merci [email]")
        #expect(e.searchTerm == "[phone]")
        #expect(e.referrer == "https://mail.example.com/")
    }
}
