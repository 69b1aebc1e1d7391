import Testing
import VisitIntent

@Suite struct TimestampTests {
    @Test func parsesRFC3339WithOffsetAndFraction() throws {
        let t = try #require(Timestamp.parse("2026-03-14T09:26:53.589+01:00".utf8))
        // 08:26:53.589 UTC on 2026-03-14: days from civil × 86400 s.
        let days = Int64(Timestamp.daysFromCivil(year: 2026, month: 3, day: 14))
        #expect(t.epochMilliseconds == (days * 86_400 + 8 * 3600 + 26 * 60 + 53) * 1000 + 589)
        #expect(t.utcOffsetMinutes == 60)
        #expect(t.localHour == 9)
    }

    @Test func sameInstantInTwoZonesIsEqual() throws {
        let a = try #require(Timestamp.parse("2026-11-30T00:30:00Z".utf8))
        let b = try #require(Timestamp.parse("2026-11-29T19:30:00-05:00".utf8))
        #expect(a.epochMilliseconds == b.epochMilliseconds)
        #expect(a.localWeekday == 0)  // Monday 30 November 2026
        #expect(b.localWeekday == 6)  // still Sunday in New York
    }

    @Test func epochMillisecondsAndKnownDates() throws {
        #expect(Timestamp.parse("1700000000000".utf8)?.epochMilliseconds == 1_700_000_000_000)
        // Seconds and microseconds are refused rather than misread as milliseconds.
        #expect(Timestamp.parse("1700000000".utf8) == nil)
        #expect(Timestamp.parse("1700000000000000".utf8) == nil)
        #expect(Timestamp.parse("2026-03-14T09:26:53+0100".utf8)?.utcOffsetMinutes == 60)
        #expect(Timestamp.daysFromCivil(year: 1970, month: 1, day: 1) == 0)
        #expect(Timestamp.daysFromCivil(year: 2000, month: 3, day: 1) == 11_017)
        let (y, m, d) = Timestamp.civilFromDays(Timestamp.daysFromCivil(year: 2024, month: 2, day: 29))
        #expect(y == 2024 && m == 2 && d == 29)
    }

    @Test(arguments: ["", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-01-01T25:00:00Z", "2026-01-01T00:00:00",
                      "2026-01-01T00:00:00+1:00", "yesterday", "2026-01-01T00:00:00.Z", "12ab", "2026-01-01T00:00:00Zjunk"])
    func refusesMalformedTimestamps(_ text: String) {
        #expect(Timestamp.parse(text.utf8) == nil)
    }

    @Test func formatsBackToRFC3339() throws {
        let text = "2026-07-04T23:59:59.001+02:00"
        let t = try #require(Timestamp.parse(text.utf8))
        #expect(t.rfc3339 == text)
        #expect(Timestamp.parse(t.rfc3339.utf8) == t)
    }

    /// The decoder keeps the last date it read (`DateMemo`): timestamps read in
    /// a row through the memo give exactly what each gives alone, whether the
    /// date repeats, differs only in its last digit or its year, or repeats
    /// with a bad time, and a bad date (Feb 29 of a common year) never enters it.
    @Test func dateMemoGivesWhatEachTimestampGivesAlone() {
        let stamps = ["2026-09-01T00:15:14.135+02:00", "2026-09-01T23:59:59Z", "2026-09-02T00:00:00Z", "2026-09-01T25:00:00Z",
                      "2026-09-01t08:00:00-0130", "2024-02-29T12:00:00Z", "2025-02-29T12:00:00Z", "2025-02-29T12:00:00Z",
                      "2024-02-29 12:00:00+01:00", "2124-02-29T12:00:00Z", "2026-09-01T00:00:00", "1767225600000",
                      "2026-09-01T00:00:00Z", "2026-09-11T00:00:00Z", "2026-09-1X", "2026-09-01T00:00:60.5Z"]
        var memo = Timestamp.DateMemo()
        for s in stamps + stamps.reversed() {
            let alone = Timestamp.parse(Array(s.utf8))
            let viaMemo = Array(s.utf8).withUnsafeBufferPointer { Timestamp.parse($0, memo: &memo) }
            #expect(viaMemo == alone, "\(s)")
        }
        #expect(Timestamp.parse(Array("2025-02-29T12:00:00Z".utf8)) == nil)
        #expect(Timestamp.parse(Array("2026-09-02T00:00:00Z".utf8))?.epochMilliseconds == 1_788_307_200_000)
    }
}
