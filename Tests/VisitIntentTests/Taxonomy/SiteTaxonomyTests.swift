import Testing
import VisitIntent

@Suite struct SiteTaxonomyTests {
    let yaml = """
    version: 1
    strip_prefixes: [/fr]
    fallback: {topic: general, kind: other}
    rules:
      - {match: "/", kind: home}
      - {match: "/acide-hyaluronique*", topic: hyaluronic-acid, kind: procedure}
      - {match: "/tarifs", kind: pricing}
      - {match: "/blog/**", kind: blog}
      - {match: "/blog/*/botox", topic: botulinum-toxin, kind: blog}
      - {regex: "^/soins/[a-z-]+$", kind: procedure}
      - {match: "/faq/?", kind: faq}
    """

    @Test func firstMatchWinsAndGlobsRespectSegments() throws {
        let t = try SiteTaxonomy.parse(yaml: yaml)
        #expect(t.classify("/") == ("general", "home"))
        #expect(t.classify("/acide-hyaluronique") == ("hyaluronic-acid", "procedure"))
        #expect(t.classify("/acide-hyaluronique-levres") == ("hyaluronic-acid", "procedure"))
        #expect(t.classify("/acide-hyaluronique/levres") == ("general", "other"))  // `*` stays within a segment
        #expect(t.classify("/tarifs") == ("general", "pricing"))
        #expect(t.classify("/tarifs/laser") == ("general", "other"))
        #expect(t.classify("/blog/2026/botox") == ("general", "blog"))  // the earlier `**` rule wins
        #expect(t.classify("/soins/peeling") == ("general", "procedure"))
        #expect(t.classify("/soins/peeling/x") == ("general", "other"))
        #expect(t.classify("/faq/a") == ("general", "faq"))
        #expect(t.classify("/fr/tarifs") == ("general", "pricing"))  // prefix stripped
        #expect(t.classify("/fr") == ("general", "home"))
    }

    @Test func columnsComeFromTheRules() throws {
        let t = try SiteTaxonomy.parse(yaml: yaml)
        #expect(t.topics == ["hyaluronic-acid", "botulinum-toxin", "general"])
        #expect(Array(t.kinds.prefix(PageKind.standard.count)) == PageKind.standard)
    }

    /// Language prefixes as people write them: alone, or without the leading or
    /// with a trailing slash. Found on a German site, where "strip_prefixes: /de"
    /// and "[de, /en/]" left every page under them to the fallback.
    @Test func prefixesAsPeopleWriteThem() throws {
        for spelling in ["strip_prefixes: /de", "strip_prefixes: [de, /en/]", "strip_prefixes: [' /de/ ', en]"] {
            let t = try SiteTaxonomy.parse(yaml: spelling + "\nrules:\n  - {match: /preise*, kind: pricing}")
            #expect(t.stripPrefixes.first == "/de", "\(spelling)")
            #expect(t.classify("/de/preise").kind == "pricing", "\(spelling)")
            #expect(t.classify("/de").kind == "other", "\(spelling)")
        }
        #expect(try SiteTaxonomy.parse(yaml: "strip_prefixes: [de, /en/]\nrules:\n  - {match: /preise*, kind: pricing}").classify("/en/preise").kind == "pricing")
    }

    @Test(arguments: [
        ("rules: 3", "'rules' must be a list"),
        ("rules:\n  - {match: tarifs, kind: pricing}", "must start with '/'"),
        ("rules:\n  - {kind: pricing}", "needs 'match'"),
        ("rules:\n  - {match: /a}", "neither a topic nor a kind"),
        ("rules:\n  - {regex: '([', kind: x}", "'([' is not a valid regular expression"),
        ("rules:\n  - {match: /kontakt, kind: contact, topc: praxis}", "rule 1: unknown key 'topc'"),
        ("rules:\n  - {match: /a, regex: '^/a', kind: x}", "not both"),
        ("fallback: general\nrules: []", "'fallback' must be a mapping"),
        ("fallback: {topic: 'a:b'}\nrules: []", "fallback: 'topic' must be a plain name"),
        ("fallback: {topik: a}\nrules: []", "fallback: unknown key 'topik'"),
        ("strip_prefixes: [/fr, '']\nrules: []", "strip_prefixes: '' is not a path prefix"),
        ("version: 2\nrules: []", "version 2"),
        ("rulez: []", "unknown key 'rulez'"),
        ("rules: [", "not valid YAML"),
    ])
    func badTaxonomiesAreExplained(text: String, message: String) {
        #expect { try SiteTaxonomy.parse(yaml: text, file: "t.yaml") } throws: { "\($0)".contains(message) && "\($0)".contains("t.yaml") }
    }

    @Test func genericTaxonomyKnowsCommonWords() {
        let t = SiteTaxonomy.generic
        #expect(t.classify("/prendre-rendez-vous").kind == "booking")
        #expect(t.classify("/en/pricing").kind == "pricing")
        #expect(t.classify("/blog/some-post").kind == "blog")
        #expect(t.classify("/").kind == "home")
        // Words, not substrings: implants are not a contact page, an e-book is no booking.
        #expect(t.classify("/implants-dentaires").kind == "other")
        #expect(t.classify("/blog/ebook-gratuit").kind == "blog")
        #expect(t.classify("/blog/prix-du-botox").kind == "blog")
        #expect(t.classify("/nos-tarifs").kind == "pricing")
    }

    @Test func siteHostsAndScalarChecks() throws {
        let t = try SiteTaxonomy.parse(yaml: "site: [www.clinique.fr, https://rdv.clinique.fr]\nrules:\n  - {match: /, kind: home}")
        #expect(t.siteHosts == ["clinique.fr", "rdv.clinique.fr"])
        #expect { try SiteTaxonomy.parse(yaml: "rules:\n  - {match: /, kind: [a, b]}") } throws: { "\($0)".contains("single name") }
    }

    @Test func pageURLNormalisation() {
        let u = PageURL("HTTPS://www.Example.fr:443/Blog//Post/?gclid=abc&utm_campaign=Spring#x")
        #expect(u.host == "example.fr")
        #expect(u.path == "/blog/post")
        #expect(u.utmSource == "google" && u.utmMedium == "cpc" && u.utmCampaign == "spring")
        #expect(PageURL("tarifs").path == "/tarifs")
        #expect(PageURL("/tarifs?next=https://evil.example/blog/x").path == "/tarifs")  // a URL in the query is not the host
        #expect(PageURL("/m%C3%A9decine").path == "/médecine")
        #expect(PageURL("").path == "/")
    }
}
