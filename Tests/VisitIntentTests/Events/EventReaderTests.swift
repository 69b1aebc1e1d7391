import Foundation
import Testing
import VisitIntent
import VisitIntentTestSupport

@Suite struct EventReaderTests {
    typealias T = TestSupport

    @Test func readsJSONLinesWithEveryField() throws {
        let line = T.event("v1", "2026-09-01T10:00:00+02:00", url: "https://www.Clinique.fr/Tarifs/?utm_source=news&x=1#top", session: "s1",
                           extra: "\"referrer\":\"https://www.google.fr/search\",\"device\":\"Mobile\",\"source\":\"Google\",\"medium\":\"organic\",\"campaign\":\"c\",\"country\":\"France\",\"region\":\"Occitanie\",\"city\":\"Toulouse\",\"gender\":\"female\",\"age_band\":\"25-34\",\"consent\":true,\"engagement_ms\":1500,\"scroll_pct\":90.5,\"search_term\":\"prix\",\"title\":\"T\",\"unknown\":{\"nested\":[1,2,{\"a\":null}]}")
        let (table, summary) = try T.read(line + "\n")
        #expect(summary.kept == 1 && summary.records == 1)
        #expect(table.pool[table.path[0]] == "/tarifs")
        #expect(table.pool[table.host[0]] == "clinique.fr")
        #expect(table.pool[table.referrerHost[0]] == "google.fr")
        #expect(table.device[0] == .mobile)
        #expect(table.pool[table.source[0]] == "google")
        #expect(table.engagementMs[0] == 1500)
        #expect(table.scrollPct[0] == 90.5)
        #expect(table.searched[0])
        #expect(table.consent[0] == 1)
        #expect(table.pool[table.session[0]] == T.key.pseudonym("s1"))
        #expect(!table.pool.strings.contains("s1"))
    }

    @Test func rawVisitorIdsAreNeverStored() throws {
        let (table, _) = try T.read(T.event("alice@example.com", "2026-09-01T10:00:00Z") + "\n")
        #expect(!table.pool.strings.contains("alice@example.com"))
        #expect(table.pool[table.visitor[0]] == T.key.pseudonym("alice@example.com"))
        #expect(table.pool[table.visitor[0]].count == 32)
    }

    @Test func readsCSVWithQuotesAndCRLF() throws {
        let csv = "visitor_id,timestamp,event,url,title,engagement_ms,consent\r\n" +
            "v1,2026-09-01T10:00:00Z,page_view,/faq,\"FAQ, \"\"questions\"\"\",1200,true\r\n" +
            "v1,1756720860000,click,/faq,,,\r\n"
        let (table, summary) = try T.read(csv, name: "e.csv")
        #expect(summary.kept == 2)
        #expect(table.kind == [.pageView, .click])
        #expect(table.engagementMs == [1200, -1])
        #expect(table.time[1] == 1_756_720_860_000)
    }

    @Test func unknownEventNamesAreKept() throws {
        let (table, _) = try T.read(T.event("v", "2026-09-01T10:00:00Z", "newsletter_signup") + "\n")
        #expect(table.kind[0] == .other)
        #expect(table.pool[table.otherName[0]] == "newsletter_signup")
    }

    /// Each bad record: the error names file, line and (where there is one) field.
    @Test(arguments: [
        ("{\"visitor_id\":\"v\",", InputError.Reason.malformedJSON, nil as String?),
        ("[1,2]", .malformedJSON, nil),
        ("{\"timestamp\":\"2026-09-01T10:00:00Z\",\"event\":\"page_view\",\"url\":\"/\"}", .missingField, "visitor_id"),
        ("{\"visitor_id\":\"v\",\"timestamp\":\"noon\",\"event\":\"page_view\",\"url\":\"/\"}", .badTimestamp, "timestamp"),
        ("{\"visitor_id\":\"v\",\"timestamp\":\"2026-09-01T10:00:00Z\",\"event\":\"page_view\"}", .missingField, "url"),
        ("{\"visitor_id\":\"v\",\"timestamp\":\"2026-09-01T10:00:00Z\",\"event\":\"page_view\",\"url\":\"/\",\"device\":\"fridge\"}", .badValue, "device"),
        ("{\"visitor_id\":true,\"timestamp\":\"2026-09-01T10:00:00Z\",\"event\":\"page_view\",\"url\":\"/\"}", .wrongType, "visitor_id"),
        ("{\"visitor_id\":\"v\",\"timestamp\":1756720800,\"event\":\"page_view\",\"url\":\"/\"}", .badTimestamp, "timestamp"),
        ("{\"visitor_id\":\"v\",\"timestamp\":\"2026-09-01T10:00:00Z\",\"event\":\"page_view\",\"url\":\"/\",\"consent\":\"maybe\"}", .wrongType, "consent"),
        ("{\"visitor_id\":\"v\",\"timestamp\":\"2026-09-01T10:00:00Z\",\"event\":\"scroll\",\"scroll_pct\":140}", .badValue, "scroll_pct"),
        ("{\"visitor_id\":\"v\",\"timestamp\":\"2026-09-01T10:00:00Z\",\"event\":\"scroll\",\"engagement_ms\":-3}", .badValue, "engagement_ms"),
        ("{\"visitor_id\":\"v\\ud800\",\"timestamp\":\"2026-09-01T10:00:00Z\",\"event\":\"scroll\"}", .invalidUTF8, nil),
    ])
    func badJSONRecordsAreLocated(line: String, reason: InputError.Reason, field: String?) throws {
        let good = T.event("v", "2026-09-01T09:00:00Z")
        let path = T.write(good + "\n" + line + "\n")
        var table = EventTable()
        do {
            _ = try EventReader(pseudonymizer: T.key).read(path: path, into: &table)
            Issue.record("expected an error")
        } catch let e as InputError {
            #expect(e.file == path)
            #expect(e.line == 2)
            #expect(e.reason == reason)
            #expect(e.field == field)
            #expect(!e.description.contains("\"v\""))
        }
        // With skipping, the good record survives and the bad one is counted.
        var options = EventReader.Options()
        options.skipInvalid = true
        var skipTable = EventTable()
        let summary = try EventReader(options: options, pseudonymizer: T.key).read(path: path, into: &skipTable)
        #expect(summary.kept == 1)
        #expect(summary.skipped.counts[reason.rawValue] == 1)
    }

    /// Keys are matched on their bytes; a key written with escapes is still
    /// the same key, unknown keys (nested values too) are skipped, and a key
    /// that is not valid UTF-8 is refused as before.
    @Test func keysAreMatchedWithEscapesAndUnknownOnesSkipped() throws {
        let escaped = "{\"visitor\\u005fid\":\"v\",\"timestamp\":\"2026-09-01T10:00:00Z\",\"ev\\u0065nt\":\"page_view\",\"url\":\"/prix\",\"x_custom\":{\"a\":[1,2]},\"événement\":1,\"device\":\"mobile\"}"
        let (table, summary) = try T.read(escaped + "\n")
        #expect(summary.kept == 1 && table.kind[0] == .pageView && table.device[0] == .mobile && table.pool[table.path[0]] == "/prix")
        var fields: [CanonicalField] = []
        let bytes = Array(escaped.utf8)
        try bytes.withUnsafeBufferPointer { try JSONLineParser.parseCanonical($0) { f, _ in fields.append(f) } }
        #expect(fields == [.visitorId, .timestamp, .event, .url, .device])
        var bad = Array("{\"visitor_id\":\"v\",\"timestamp\":\"2026-09-01T10:00:00Z\",\"event\":\"page_view\",\"url\":\"/\",\"k".utf8)
        bad += [0xC3, 0x28]
        bad += Array("\":1}\n".utf8)
        var t = EventTable()
        #expect { try EventReader(pseudonymizer: T.key).read(path: T.writeBytes(bad, name: "key.jsonl"), into: &t) } throws: { ($0 as? InputError)?.reason == .invalidUTF8 }
    }

    @Test func invalidUTF8BytesAreRefused() throws {
        var bytes = Array("{\"visitor_id\":\"v\",\"timestamp\":\"2026-09-01T10:00:00Z\",\"event\":\"page_view\",\"url\":\"/".utf8)
        bytes += [0xC3, 0x28]
        bytes += Array("\"}\n".utf8)
        let path = T.writeBytes(bytes, name: "bad.jsonl")
        var table = EventTable()
        #expect { try EventReader(pseudonymizer: T.key).read(path: path, into: &table) } throws: { ($0 as? InputError)?.reason == .invalidUTF8 && ($0 as? InputError)?.line == 1 }
    }

    @Test func csvWithWrongFieldCountOrMissingColumn() throws {
        let path = T.write("visitor_id,timestamp,event,url\nv,2026-09-01T10:00:00Z,page_view\n", name: "e.csv")
        var table = EventTable()
        #expect { try EventReader(pseudonymizer: T.key).read(path: path, into: &table) } throws: { ($0 as? InputError)?.reason == .wrongFieldCount && ($0 as? InputError)?.line == 2 }
        let noVisitor = T.write("timestamp,event,url\n2026-09-01T10:00:00Z,page_view,/\n", name: "e.csv")
        #expect { try EventReader(pseudonymizer: T.key).read(path: noVisitor, into: &table) } throws: { ($0 as? InputError)?.field == "visitor_id" && ($0 as? InputError)?.reason == .badHeader }
    }

    @Test func overlongLinesAreCappedAndCounted() throws {
        let long = T.event("v", "2026-09-01T10:00:00Z", extra: "\"title\":\"" + String(repeating: "x", count: 5000) + "\"")
        let path = T.write(T.event("v", "2026-09-01T09:00:00Z") + "\n" + long + "\n" + T.event("v", "2026-09-01T11:00:00Z") + "\n")
        var options = EventReader.Options()
        options.maxLineBytes = 1000
        var table = EventTable()
        #expect { try EventReader(options: options, pseudonymizer: T.key).read(path: path, into: &table) } throws: { ($0 as? InputError)?.reason == .lineTooLong && ($0 as? InputError)?.line == 2 }
        options.skipInvalid = true
        table = EventTable()
        let summary = try EventReader(options: options, pseudonymizer: T.key).read(path: path, into: &table)
        #expect(summary.kept == 2)
        #expect(summary.skipped.counts[InputError.Reason.lineTooLong.rawValue] == 1)
    }

    @Test func longLinesAcrossReadChunksAreHandled() throws {
        // Lines straddling the reader's chunk boundary must come out whole.
        let lines = (0..<500).map { T.event("v\($0)", "2026-09-01T10:00:00Z", extra: "\"title\":\"" + String(repeating: "é", count: $0 % 97) + "\"") }
        let path = T.write(lines.joined(separator: "\n"))
        var count = 0
        try LineReader(path: path, maxLineBytes: 4096, chunkBytes: 1000).forEachLine { _, line in
            if case .text(let t) = line { #expect(t.first == UInt8(ascii: "{") && t.last == UInt8(ascii: "}")) }
            count += 1
            return true
        }
        #expect(count == 500)
    }

    @Test func emptyAndMissingFiles() throws {
        var table = EventTable()
        let empty = T.write("", name: "empty.jsonl")
        #expect { try EventReader(pseudonymizer: T.key).read(path: empty, into: &table) } throws: { ($0 as? InputError)?.reason == .emptyFile }
        #expect { try EventReader(pseudonymizer: T.key).read(path: "/nonexistent/x.jsonl", into: &table) } throws: { ($0 as? InputError)?.reason == .unreadable }
    }

    @Test func consentIsHonouredAndCounted() throws {
        let text = [T.event("a", "2026-09-01T10:00:00Z", extra: "\"consent\":true"),
                    T.event("b", "2026-09-01T10:00:00Z", extra: "\"consent\":false"),
                    T.event("c", "2026-09-01T10:00:00Z")].joined(separator: "\n")
        let (_, byDefault) = try T.read(text)
        #expect(byDefault.kept == 2 && byDefault.excludedForConsent == 1)
        var strict = EventReader.Options()
        strict.consent = .requireConsent
        let (_, required) = try T.read(text, options: strict)
        #expect(required.kept == 1 && required.excludedForConsent == 2)
    }

    /// The service hands parsed objects to the reader; they must read exactly
    /// as the same JSON Lines would: same records, counts and errors.
    @Test func parsedObjectsReadLikeTheirJSONLines() throws {
        let lines = [
            T.event("v1", "2026-09-01T10:00:00+02:00", url: "https://www.Clinique.fr/Tarifs/?utm_source=news&email=a%40b.fr", session: "s1",
                    extra: "\"device\":\"Mobile\",\"consent\":true,\"scroll_pct\":90.5,\"unknown\":{\"nested\":[1]}"),
            T.event("v2", "2026-09-01T10:01:00Z", extra: "\"consent\":false"),
            "{\"visitor_id\":\"v\",\"timestamp\":\"noon\",\"event\":\"page_view\",\"url\":\"/\"}",
            "{\"visitor_id\":true,\"timestamp\":\"2026-09-01T10:00:00Z\",\"event\":\"page_view\",\"url\":\"/\"}",
            T.event("v3", "2026-09-01T10:02:00Z", "scroll", extra: "\"engagement_ms\":1500"),
        ]
        let objects = try lines.map { line in try Array(line.utf8).withUnsafeBufferPointer { try JSONLineParser.parseTree($0) } }
        var options = EventReader.Options()
        options.format = .jsonl
        options.skipInvalid = true
        let reader = EventReader(options: options, pseudonymizer: T.key)
        var fromLines: [String] = [], fromObjects: [String] = []
        let a = try reader.forEachEvent(bytes: Array(lines.joined(separator: "\n").utf8), name: "events") { fromLines.append($0.canonicalJSONLine) }
        let b = try reader.forEachEvent(objects: objects, name: "events") { fromObjects.append($0.canonicalJSONLine) }
        #expect(fromLines.count == 2 && fromObjects == fromLines)
        #expect(a == b && a.excludedForConsent == 1)
        #expect(!fromObjects.joined().contains("a@b") && !fromObjects.joined().contains("\"v1\""))
        // Strict: the first bad object is named by its position, as its line would be.
        options.skipInvalid = false
        do {
            _ = try EventReader(options: options, pseudonymizer: T.key).forEachEvent(objects: objects, name: "events") { _ in }
            Issue.record("expected an error")
        } catch let e as InputError {
            #expect(e.line == 3 && e.reason == .badTimestamp && e.field == "timestamp")
        }
    }
}
