import Foundation
import Testing
import VisitIntent
import VisitIntentTestSupport

/// The batch reader's fast path (`EventLineDecoder`, behind
/// `PipelinedReader.forEachTable`) must give exactly what the full path gives
/// (`EventReader.forEachEvent` → `EventTable.append`): the same rows, codes,
/// counts and errors, on lines it takes and on lines it hands back.
@Suite struct EventLineDecoderTests {
    typealias T = TestSupport

    /// Every column of every row, strings spelled out.
    static func rows(_ t: EventTable) -> [String] {
        (0..<t.count).map { i in
            let strings = [t.visitor[i], t.session[i], t.otherName[i], t.path[i], t.host[i], t.referrerHost[i], t.source[i], t.medium[i],
                           t.campaign[i], t.country[i], t.region[i], t.gender[i], t.ageBand[i]].map { t.pool[$0] }
            let scroll = t.scrollPct[i].isNaN ? "nan" : "\(t.scrollPct[i])"
            return strings.joined(separator: "|") + "|\(t.time[i])|\(t.utcOffset[i])|\(t.kind[i])|\(t.device[i])|\(t.consent[i])|\(t.engagementMs[i])|\(scroll)|\(t.searched[i])"
        }
    }

    /// The same rows, reporting the first that differs (not two whole tables).
    static func expectSameRows(_ full: EventTable, _ fast: EventTable, sourceLocation: SourceLocation = #_sourceLocation) {
        let fullRows = rows(full), fastRows = rows(fast)
        #expect(fullRows.count == fastRows.count, sourceLocation: sourceLocation)
        if let k = fullRows.indices.first(where: { $0 < fastRows.count && fullRows[$0] != fastRows[$0] }) {
            Issue.record("row \(k): full path \(fullRows[k]), decoder \(fastRows[k])", sourceLocation: sourceLocation)
        }
    }

    /// Writes `bytes` and reads them both ways: skipping bad records, the same
    /// summaries and rows (more than `skipped` records refused and `kept`
    /// kept, so the file tests both); not skipping, the same first error.
    static func expectSameSkippingOrNot(_ bytes: [UInt8], name: String, skipped: Int, kept: Int,
                                        sourceLocation: SourceLocation = #_sourceLocation) throws {
        let path = T.writeBytes(bytes, name: name)
        var skipping = EventReader.Options()
        skipping.skipInvalid = true
        let (full, fast) = try both(path: path, options: skipping)
        let a = try full.get(), b = try fast.get()
        #expect(a.1.skipped.total > skipped && a.0.count > kept, "the file must hold refused and kept records", sourceLocation: sourceLocation)
        #expect(a.1 == b.1, sourceLocation: sourceLocation)
        expectSameRows(a.0, b.0, sourceLocation: sourceLocation)
        try expectSame(path: path, "\(name), the first error")
    }

    /// Reads `text` both ways; returns (full path, fast path) tables and summaries, or their errors.
    static func both(path: String, options: EventReader.Options = EventReader.Options(), blockBytes: Int = 700,
                     limits: DecoderLimits = DecoderLimits()) throws
        -> (full: Result<(EventTable, EventReader.Summary), InputError>, fast: Result<(EventTable, EventReader.Summary), InputError>) {
        let reader = EventReader(options: options, pseudonymizer: T.key)
        func full() throws -> (EventTable, EventReader.Summary) {
            var table = EventTable()
            let s = try reader.forEachEvent(path: path) { table.append($0, visitorPseudonym: $0.visitorId!) }
            return (table, s)
        }
        func fast() throws -> (EventTable, EventReader.Summary) {
            var pipelined = PipelinedReader(reader: reader)
            pipelined.blockBytes = blockBytes  // by default a few lines a block: the decoder's memos outlive its tables
            pipelined.threads = 2
            pipelined.decoderLimits = limits
            var table = EventTable()
            let s = try pipelined.forEachTable(paths: [path]) { part, _ in table.append(part) }
            return (table, s)
        }
        func result(_ body: () throws -> (EventTable, EventReader.Summary)) throws -> Result<(EventTable, EventReader.Summary), InputError> {
            do { return .success(try body()) } catch let e as InputError { return .failure(e) }
        }
        return (try result(full), try result(fast))
    }

    static func expectSame(_ text: String, options: EventReader.Options = EventReader.Options(), _ comment: Comment? = nil) throws {
        try expectSame(path: T.write(text), options: options, comment)
    }

    static func expectSame(path: String, options: EventReader.Options = EventReader.Options(), _ comment: Comment? = nil) throws {
        let (full, fast) = try both(path: path, options: options)
        switch (full, fast) {
        case (.success(let a), .success(let b)):
            #expect(rows(a.0) == rows(b.0), comment)
            #expect(a.0.pool.strings.map { Array($0.utf8) } == b.0.pool.strings.map { Array($0.utf8) }, comment)  // bytes, not canonical equivalence
            #expect(a.1 == b.1, comment)
            // Empty values ("source":"", a relative URL's host) are code 0, "absent", in both: never a second "".
            #expect(!a.0.pool.strings.dropFirst().contains("") && !b.0.pool.strings.dropFirst().contains(""), comment)
        case (.failure(let a), .failure(let b)):
            #expect(a.description == b.description, comment)
        default:
            Issue.record("one path failed, the other did not: \(full) vs \(fast) \(comment.map { "\($0)" } ?? "")")
        }
    }

    static let base = "\"visitor_id\":\"v1\",\"timestamp\":\"2026-09-01T10:00:00+02:00\""

    /// The decoder finds each line's end in its own scan: lines of exactly the
    /// longest length allowed and one byte more (with and without a carriage
    /// return, last in the file or not), blanks after the object, blank lines,
    /// a record split over two lines and a file without a final line end give
    /// the full path's rows, counts and errors.
    @Test func lineEndsFoundByTheScanGiveTheFullPathsResults() throws {
        let b = Self.base
        func line(padTo length: Int) -> String {
            let head = "{\(b),\"event\":\"page_view\",\"url\":\"https://www.clinique.fr/faq\",\"title\":\""
            return head + String(repeating: "x", count: max(0, length - head.utf8.count - 2)) + "\"}"
        }
        let ok = "{\(b),\"event\":\"page_view\",\"url\":\"https://www.clinique.fr/\"}"
        var options = EventReader.Options()
        options.maxLineBytes = 300
        for skip in [false, true] {
            options.skipInvalid = skip
            for length in [299, 300, 301] {
                for ending in ["\n", "\r\n", " \t\r\n", ""] {
                    for last in [false, true] {
                        let text = last ? ok + "\n" + line(padTo: length) + ending : line(padTo: length) + ending + (ending.isEmpty ? "\n" : "") + ok + "\n"
                        try Self.expectSame(text, options: options, "length \(length), ending \(ending.debugDescription), last \(last), skipping \(skip)")
                    }
                }
            }
            let split = "{\(b),\n\"event\":\"page_view\",\"url\":\"https://www.clinique.fr/\"}"
            for text in [ok + "\n\n" + ok + "\n", ok + "\n" + split + "\n" + ok + "\n", ok + "\n   \n" + ok, ok + " \n" + ok + "\r\n" + ok,
                         ok + "\n" + ok + "}\n" + ok + "\n", "\n" + ok + "\n\r\n" + ok] {
                try Self.expectSame(text, options: options, "\(text.debugDescription), skipping \(skip)")
            }
        }
    }

    /// Lines the decoder takes and lines it must hand back, one by one and
    /// all together, with every consent policy and with and without skipping.
    @Test func sameRowsCountsAndErrorsAsTheFullPath() throws {
        let b = Self.base
        let lines = [
            "{\(b),\"event\":\"page_view\",\"url\":\"https://www.clinique.fr/tarifs?utm_source=News&utm_medium=Email\",\"title\":\"Tarifs | Clinique\"}",
            "{\(b),\"event\":\"page_view\",\"url\":\"https:\\/\\/www.clinique.fr\\/soins\\/acide-hyaluronique\",\"title\":\"M\\u00e9decine esth\\u00e9tique\"}",
            "{\(b),\"event\":\"page_view\",\"url\":\"/contact?email=jean.dupont%40mail.fr&tel=0612345678\",\"title\":\"Médecine à Lyon\"}",
            "{\(b),\"event\":\"page_view\",\"url\":\"/\",\"source\":\"\",\"medium\":\"  CPC \",\"campaign\":null,\"referrer\":\"https://www.google.fr/search?q=x\"}",
            "{\(b),\"event\":\"page_view\",\"url\":\"/?utm_source=fb\",\"source\":\"Newsletter\",\"country\":\" France \",\"region\":\"Rhône\",\"city\":\"Lyon\",\"gender\":\"female\",\"age_band\":\"35-44\"}",
            "{\(b),\"event\":\"page_view\",\"url\":\"/\",\"region\":\"Rho\u{302}ne\"}",  // "Rhône" decomposed: a second spelling, kept apart
            "{ \"visitor_id\" : 1234567890 , \"timestamp\" : 1788000000000 , \"event\" : \"scroll\" , \"scroll_pct\" : 62.5 , \"engagement_ms\" : 4100 } ",
            "{\(b),\"session_id\":\"s-1\",\"event\":\"search\",\"search_term\":\"prix botox 06 12 34 56 78\",\"device\":\"MOBILE\"}",
            "{\(b),\"session_id\":987654321,\"event\":\"newsletter_signup_42\",\"consent\":true,\"device\":\"Smart TV\"}",
            "{\(b),\"session_id\":\"\",\"event\":\"click\",\"consent\":false}",
            "{\(b),\"event\":\"click\",\"consent\":null,\"x_custom\":{\"a\":[1,{\"b\":null}]},\"x_num\":-1.5e3,\"x_text\":\"caf\\u00e9 \\ud83d\\ude00\"}",
            "{\(b),\"event\":\"page_view\",\"url\":\"/\",\"referrer\":\"\",\"title\":null,\"search_term\":\"\"}",
            "",
            "   ",
            "{\"visitor\\u005fid\":\"v2\",\"timestamp\":\"2026-09-01T10:00:00Z\",\"event\":\"click\"}",
            "{\(b),\"event\":\"click\",\"event\":\"scroll\"}",
            "{\(b),\"event\":\"page_view\"}",
            "{\(b),\"event\":\"page_view\",\"url\":\"\"}",
            "{\(b),\"event\":\"\"}",
            "{\"visitor_id\":\"\",\"timestamp\":\"2026-09-01T10:00:00Z\",\"event\":\"click\"}",
            "{\"visitor_id\":null,\"timestamp\":\"2026-09-01T10:00:00Z\",\"event\":\"click\"}",
            "{\"visitor_id\":true,\"timestamp\":\"2026-09-01T10:00:00Z\",\"event\":\"click\"}",
            "{\"visitor_id\":\"v\",\"timestamp\":\"noon\",\"event\":\"click\"}",
            "{\"visitor_id\":\"v\",\"timestamp\":1756720800,\"event\":\"click\"}",
            "{\(b),\"event\":\"click\",\"device\":\"fridge\"}",
            "{\(b),\"event\":\"click\",\"device\":3}",
            "{\(b),\"event\":\"click\",\"consent\":\"yes\"}",
            "{\(b),\"event\":\"scroll\",\"scroll_pct\":140}",
            "{\(b),\"event\":\"scroll\",\"scroll_pct\":\"40\"}",
            "{\(b),\"event\":\"scroll\",\"engagement_ms\":-3}",
            "{\(b),\"event\":\"scroll\",\"engagement_ms\":12.0}",
            "{\(b),\"event\":\"scroll\",\"engagement_ms\":1e3}",
            "{\(b),\"event\":\"scroll\",\"engagement_ms\":99999999999999}",
            "{\(b),\"event\":\"click\",\"title\":\"bad \\ud800 surrogate\"}",
            "{\(b),\"event\":\"click\",\"x\":01}",
            "{\(b),\"event\":\"click\"",
            "{\(b),\"event\":\"click\"} trailing",
            "[1,2]",
            "{}",
            // Ids equal as Swift strings (canonical equivalence) but not in bytes are two visitors on both paths.
            "{\"visitor_id\":\"K1\",\"timestamp\":\"2026-09-01T10:00:00Z\",\"event\":\"click\"}",
            "{\"visitor_id\":\"\\u212a1\",\"timestamp\":\"2026-09-01T10:00:01Z\",\"event\":\"click\"}",
            "{\"visitor_id\":\"\\u212A1\",\"timestamp\":\"2026-09-01T10:00:02Z\",\"event\":\"click\"}",
        ]
        for line in lines {
            try Self.expectSame(line + "\n", "line: \(line)")
        }
        var skipping = EventReader.Options()
        skipping.skipInvalid = true
        var strict = skipping
        strict.consent = .requireConsent
        let all = lines.joined(separator: "\r\n") + "\n"
        try Self.expectSame(all, options: skipping, "all lines, skipping")
        try Self.expectSame(all, options: strict, "all lines, skipping, consent required")
        try Self.expectSame(all, "all lines: the first error")
        // Bytes that are not UTF-8: in a kept value, a title, an unknown key's value, a country.
        for bad: [UInt8] in [[0xC3, 0x28], [0xED, 0xA0, 0x80], [0xFF]] {
            for field in ["url", "title", "x_other", "country", "session_id"] {
                var bytes = Array("\(T.event("v0", "2026-09-01T09:00:00Z"))\n{\(b),\"event\":\"click\",\"\(field)\":\"a".utf8)
                bytes += bad + Array("\"}\n".utf8)
                let path = T.writeBytes(bytes, name: "bad.jsonl")
                try Self.expectSame(path: path, "invalid UTF-8 in \(field)")
                try Self.expectSame(path: path, options: skipping, "invalid UTF-8 in \(field), skipping")
            }
        }
        try Self.expectSame("\u{FEFF}" + lines[0] + "\n" + lines[1] + "\n", "byte-order mark")
        let kelvin = lines.suffix(3).joined(separator: "\n") + "\n"
        if case .success(let (table, _)) = try Self.both(path: T.write(kelvin)).fast {
            #expect(Set(table.visitor).count == 2, "K1 and the Kelvin sign's K1 are two visitors")
        } else {
            Issue.record("the Kelvin lines must read")
        }
    }

    /// Differential fuzzing: generated lines with random byte edits (quotes,
    /// escapes, brackets, digits, bytes that are not UTF-8, deletions,
    /// repeats) give the same rows, counts and skip reasons both ways, and the
    /// same first error without skipping.
    @Test func mutatedLinesGiveTheFullPathsResults() throws {
        let (_, _, dir) = try T.generatedDataset(sessions: 60, seed: 35)
        let lines = try String(contentsOfFile: dir + "/events.jsonl", encoding: .utf8).split(separator: "\n").map { Array($0.utf8) }
        let interesting: [UInt8] = Array("\"\\{}[],: 0-.eEuntf/".utf8) + [0xC3, 0xA9, 0xFF, 0xED, 0x09, 0x01]
        var rng = SeededGenerator(seed: 36)
        var out: [UInt8] = []
        for trial in 0..<4_000 {
            var line = lines[trial % lines.count]
            for _ in 0..<(1 + Int(rng.next() % 3)) {
                let at = Int(rng.next() % UInt64(line.count))
                switch rng.next() % 4 {
                case 0: line[at] = interesting[Int(rng.next() % UInt64(interesting.count))]
                case 1: line.remove(at: at)
                case 2: line.insert(interesting[Int(rng.next() % UInt64(interesting.count))], at: at)
                default: line.insert(contentsOf: line[at..<min(line.count, at + 12)], at: at)
                }
                if line.isEmpty { line = [0x7B] }
            }
            out += line.filter { $0 != 0x0A } + [0x0A]
        }
        try Self.expectSameSkippingOrNot(out, name: "mutated.jsonl", skipped: 500, kept: 500)
    }

    /// The decoder tries the key met at the same place on earlier lines before
    /// scanning a key: a key that differs from it by a byte, a case, a length, a
    /// blank or an escape, another field in its place, a repeated key or an
    /// unknown one, between lines that set the expectation, gives the full
    /// path's rows, skips and errors.
    @Test func keysUnlikeTheLastLinesGiveTheFullPathsResults() throws {
        let tail = "\"event\":\"page_view\",\"url\":\"https://www.clinique.fr/faq\",\"title\":\"FAQ\",\"engagement_ms\":1200,\"scroll_pct\":50,\"consent\":true}"
        let usual = "{\(Self.base),\(tail)"
        let variants = [
            tail.replacingOccurrences(of: "\"url\":", with: "\"urls\":"), tail.replacingOccurrences(of: "\"url\":", with: "\"ur\":"),
            tail.replacingOccurrences(of: "\"url\":", with: "\"URL\":"), tail.replacingOccurrences(of: "\"url\":", with: "\"url\" :"),
            tail.replacingOccurrences(of: "\"url\":", with: "\"ur\\u006c\":"), tail.replacingOccurrences(of: "\"url\":", with: "\"event\":"),
            tail.replacingOccurrences(of: "\"url\":", with: "\"title\":").replacingOccurrences(of: "\"title\":\"FAQ\"", with: "\"url\":\"/faq\""),
            tail.replacingOccurrences(of: "\"engagement_ms\":", with: "\"engagement_mt\":"),
            tail.replacingOccurrences(of: "\"engagement_ms\":", with: "\"engagement_m\":"),
            tail.replacingOccurrences(of: "\"consent\":", with: "\"consent\":\"x\",\"consent\":"),
            tail.replacingOccurrences(of: "\"event\":", with: " \"event\":"),
            tail.replacingOccurrences(of: "\"title\":\"FAQ\",", with: ""),
            "\"extra\":\"é\"," + tail,
        ]
        var lines: [String] = []
        for (k, v) in variants.enumerated() {
            lines += Array(repeating: usual, count: 3)
            lines.append("{\(Self.base),\(v)")
            lines.append("{\(Self.base),\(v)")  // twice: the odd key is now the expected one
            lines.append("{\(Self.base.replacingOccurrences(of: "v1", with: "v\(k + 2)")),\(tail)")
        }
        var skipping = EventReader.Options()
        skipping.skipInvalid = true
        try Self.expectSame(lines.joined(separator: "\n") + "\n", options: skipping, "skipping")
        try Self.expectSame(lines.joined(separator: "\n") + "\n", "strict")
    }

    /// The decoder finds a string's end sixteen bytes at a time: a quote,
    /// backslash, control byte or non-ASCII byte at every position of strings
    /// either side of sixteen bytes gives the full path's rows, skips and errors.
    @Test func specialBytesAtEveryPositionOfAStringGiveTheFullPathsResults() throws {
        let specials: [[UInt8]] = [[0x01], [0x1F], [0x20], [0x7F], Array("\\n".utf8), Array("\\u00e9".utf8), Array("\\\"".utf8),
                                   [0xC3, 0xA9], [0xFF], [0x80], [0xE2, 0x82]]
        var out: [UInt8] = []
        var n = 0
        for length in [1, 15, 16, 17, 31, 32, 33, 40] {
            for special in specials {
                for at in 0..<length {
                    var text = [UInt8]((0..<length).map { UInt8(ascii: "a") + UInt8($0 % 26) })
                    text.replaceSubrange(at..<(at + 1), with: special)
                    for field in ["title", "city", "url"] {
                        let value = field == "url" ? Array("https://x.fr/".utf8) + text : text
                        let page = field == "url" ? "" : "\"url\":\"https://x.fr/a\","
                        let stamp = String(format: "%02d", n % 60)
                        out += Array("{\"visitor_id\":\"v\(n % 7)\",\"timestamp\":\"2026-09-01T10:00:\(stamp)Z\",\"event\":\"page_view\",\(page)\"\(field)\":\"".utf8)
                            + value + Array("\"}\n".utf8)
                        n += 1
                    }
                }
            }
        }
        try Self.expectSameSkippingOrNot(out, name: "specials.jsonl", skipped: 100, kept: 1_000)
    }

    /// The decoder empties its string pool and id memo when they reach their
    /// limits, rows still pending then must first reach the table with the codes
    /// of the pool about to go. Tiny limits, crossed every few lines in the
    /// middle of large parts, must still give the full path's table.
    @Test func memosEmptiedMidPartGiveTheFullPathsTable() throws {
        var limits = DecoderLimits()
        limits.strings = 12
        limits.ids = 5
        limits.bytes = 300
        try Self.expectSameGenerated(seed: 41, limits: limits)
    }

    /// Ids move from the recent generation of the id memo to the older one and
    /// back every few lines: still the full path's table (a repeated id may get
    /// a second decoder code, never another pseudonym).
    @Test func idGenerationsTurningOverGiveTheFullPathsTable() throws {
        var limits = DecoderLimits()
        limits.idGeneration = 3
        try Self.expectSameGenerated(seed: 43, limits: limits)
    }

    /// 400 generated sessions read both ways in large parts, with `limits`: the same rows and summaries.
    static func expectSameGenerated(seed: UInt64, limits: DecoderLimits, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let (_, _, dir) = try T.generatedDataset(sessions: 400, seed: seed)
        let (full, fast) = try both(path: dir + "/events.jsonl", blockBytes: 256 << 10, limits: limits)
        let a = try full.get(), b = try fast.get()
        #expect(a.0.count > 2_000, sourceLocation: sourceLocation)
        #expect(a.1 == b.1, sourceLocation: sourceLocation)
        expectSameRows(a.0, b.0, sourceLocation: sourceLocation)
    }

    /// URLs that share the part before their query and differ in click ids,
    /// campaign parameters, a fragment, escapes or redacted data: the decoder
    /// looks many up by what their redaction keeps, and must still give the
    /// full path's rows (including the host and campaign each implies).
    @Test func urlsDifferingOnlyInTheirQueryGiveTheFullPathsRows() throws {
        let queries = ["?gclid=abc1", "?gclid=abc2", "?gclid=abc1&utm_campaign=Spring", "?fbclid=z9", "?msclkid=q&utm_source=Partner",
                       "?utm_source=News&utm_medium=Email", "?utm_source=News&utm_medium=email", "?UTM_SOURCE=x", "?utm_source=a%20b",
                       "?utm_source=a+b", "?utm_source=", "?utm_source", "?&&=x&gclid", "#top?gclid=1", "?gclid=1#frag", "?email=jean%40mail.fr",
                       "?tel=0612345678&gclid=2", "?next=https://evil.example/p", "", "?"]
        let prefixes = ["https://www.clinique.fr/tarifs", "https://www.clinique.fr/tarifs/", "https://WWW.Clinique.fr/Tarifs",
                        "https://user:pw@www.clinique.fr:8443/tarifs", "/tarifs", "//cdn.clinique.fr/x", "https://www.clinique.fr/dossier/12345678",
                        "https://www.clinique.fr/a%2Fb", "tarifs"]
        var lines: [String] = []
        for p in prefixes {
            for q in queries {
                let url = (p + q).replacingOccurrences(of: "\"", with: "\\\"")
                lines.append("{\(Self.base),\"event\":\"page_view\",\"url\":\"\(url)\"}")
            }
        }
        try Self.expectSame(lines.joined(separator: "\n") + "\n", "URLs and queries")
        try Self.expectSame((lines + lines.reversed()).joined(separator: "\n") + "\n", "URLs and queries, then in reverse")
    }

    /// Referrers that share a scheme and authority and differ after them (search
    /// terms, click tokens, paths, fragments): the decoder looks many up by that
    /// head, and must still give the full path's host for each.
    @Test func referrersDifferingAfterTheirHostGiveTheFullPathsRows() throws {
        let heads = ["https://www.google.fr", "https://WWW.Google.FR", "https://l.facebook.com", "http://user:pw@www.site.fr:8080",
                     "https://jean.dupont@mail.fr@annuaire.fr", "https://0612345678.example", "a1234567://host.fr", "https://[::1]:443",
                     "https://192.168.1.20", "android-app://com.google.android.gm", "https://", "//cdn.site.fr", "https:/one-slash.fr"]
        let tails = ["", "/", "/search?q=botox+prix", "/search?q=06%2012%2034%2056%2078", "?u=https%3A%2F%2Fx.fr&h=AT0abc", "#frag", "/l.php?u=1&h=2",
                     "/%7Euser/?utm_source=fb", "?email=a%40b.fr", "/dossier/12345678"]
        var lines: [String] = []
        for h in heads {
            for t in tails { lines.append("{\(Self.base),\"event\":\"page_view\",\"url\":\"/\",\"referrer\":\"\(h + t)\"}") }
        }
        try Self.expectSame(lines.joined(separator: "\n") + "\n", "referrers")
        try Self.expectSame((lines.reversed() + lines).joined(separator: "\n") + "\n", "referrers, reversed then in order")
    }

    /// A generated data set: every line through the decoder gives the full path's table.
    @Test func generatedEventsGiveTheFullPathsTable() throws {
        let (_, _, dir) = try T.generatedDataset(sessions: 600, seed: 33)
        let text = try String(contentsOfFile: dir + "/events.jsonl", encoding: .utf8)
        try Self.expectSame(text, "generated")
        var strict = EventReader.Options()
        strict.consent = .requireConsent
        try Self.expectSame(text, options: strict, "generated, consent required")
    }
}
