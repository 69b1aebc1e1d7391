/// An instant with the visitor's UTC offset, as the canonical format carries it.
///
/// Epoch milliseconds order events; the offset gives the visitor's local hour
/// and weekday, which is what matters for behaviour (an evening visit is an
/// evening visit in the visitor's time zone). Epoch-millisecond input has no
/// offset and is read as UTC.
public struct Timestamp: Sendable, Equatable, Comparable, Hashable {
    public var epochMilliseconds: Int64
    public var utcOffsetMinutes: Int16

    public init(epochMilliseconds: Int64, utcOffsetMinutes: Int16 = 0) {
        self.epochMilliseconds = epochMilliseconds
        self.utcOffsetMinutes = utcOffsetMinutes
    }

    public static func < (a: Timestamp, b: Timestamp) -> Bool { a.epochMilliseconds < b.epochMilliseconds }

    /// Milliseconds since the epoch in local wall-clock time.
    public var localMilliseconds: Int64 { epochMilliseconds + Int64(utcOffsetMinutes) * 60_000 }

    /// Local hour of day, 0–23.
    public var localHour: Int {
        let ms = localMilliseconds
        let dayMs: Int64 = 86_400_000
        let inDay = ((ms % dayMs) + dayMs) % dayMs
        return Int(inDay / 3_600_000)
    }

    /// Local weekday, 0 = Monday … 6 = Sunday (ISO 8601 order).
    public var localWeekday: Int {
        let days = Timestamp.floorDiv(localMilliseconds, 86_400_000)
        // 1970-01-01 was a Thursday (ISO index 3).
        return Int(((days % 7) + 7 + 3) % 7)
    }

    /// Local calendar day number since the epoch.
    public var localDay: Int64 { Timestamp.floorDiv(localMilliseconds, 86_400_000) }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 { a >= 0 ? a / b : -((-a + b - 1) / b) }

    /// Parses RFC 3339 (`2026-03-14T09:26:53.589+01:00`, `…Z`, a space instead
    /// of `T`, fractions of any length) or a string of digits (epoch ms).
    /// Returns `nil` for anything else, including out-of-range fields.
    public static func parse<C: Collection>(_ bytes: C) -> Timestamp? where C.Element == UInt8 {
        if let parsed = bytes.withContiguousStorageIfAvailable({ parse($0) }) { return parsed }
        return Array(bytes).withUnsafeBufferPointer { parse($0) }
    }

    /// The same on bytes in place: the decoder's path, once per event, so no copy.
    public static func parse(_ b: UnsafeBufferPointer<UInt8>) -> Timestamp? {
        var memo = DateMemo()
        return parse(b, memo: &memo)
    }

    /// The last date `parse(_:memo:)` read, by its ten bytes, and its day number:
    /// events in time order share their date, and reading and checking it was a
    /// third of a timestamp's cost in batch scoring.
    public struct DateMemo: Sendable {
        fileprivate var head: UInt64 = 0, tail: UInt16 = 0
        fileprivate var days = 0
        fileprivate var valid = false
        public init() {}
    }

    /// `parse(_:)`, with the day number of a date seen last taken from `memo`.
    public static func parse(_ b: UnsafeBufferPointer<UInt8>, memo: inout DateMemo) -> Timestamp? {
        if b.isEmpty { return nil }
        if b.allSatisfy({ $0 >= 48 && $0 <= 57 }) || (b[0] == UInt8(ascii: "-") && b.count > 1 && b.dropFirst().allSatisfy({ $0 >= 48 && $0 <= 57 })) {
            guard b.count <= 18, let value = Int64(String(decoding: b, as: UTF8.self)), plausibleMilliseconds.contains(value) else { return nil }
            return Timestamp(epochMilliseconds: value)
        }
        @inline(__always) func digits(_ start: Int, _ count: Int) -> Int? {
            guard start + count <= b.count else { return nil }
            var v = 0
            for i in start..<(start + count) {
                let c = b[i]
                guard c >= 48 && c <= 57 else { return nil }
                v = v * 10 + Int(c - 48)
            }
            return v
        }
        guard b.count >= 20 else { return nil }
        let raw = UnsafeRawPointer(b.baseAddress!)
        let head = raw.loadUnaligned(as: UInt64.self), tail = raw.loadUnaligned(fromByteOffset: 8, as: UInt16.self)
        let days: Int
        if memo.valid && memo.head == head && memo.tail == tail {
            days = memo.days
        } else {
            guard let year = digits(0, 4), b[4] == UInt8(ascii: "-"),
                  let month = digits(5, 2), b[7] == UInt8(ascii: "-"),
                  let day = digits(8, 2),
                  (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year) else { return nil }
            days = daysFromCivil(year: year, month: month, day: day)
            memo.head = head
            memo.tail = tail
            memo.days = days
            memo.valid = true
        }
        guard b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t") || b[10] == UInt8(ascii: " "),
              let hour = digits(11, 2), b[13] == UInt8(ascii: ":"),
              let minute = digits(14, 2), b[16] == UInt8(ascii: ":"),
              let second = digits(17, 2),
              hour <= 23, minute <= 59, second <= 60 else { return nil }
        var i = 19
        var millis = 0
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            var scale = 100
            let start = i
            while i < b.count, b[i] >= 48, b[i] <= 57 {
                millis += Int(b[i] - 48) * scale
                scale /= 10
                i += 1
            }
            if i == start { return nil }
        }
        guard i < b.count else { return nil }
        var offset = 0
        if b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z") {
            i += 1
        } else if b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
            let sign = b[i] == UInt8(ascii: "-") ? -1 : 1
            // ±HH:MM, or ±HHMM as strftime's %z writes it.
            let colon = i + 3 < b.count && b[i + 3] == UInt8(ascii: ":")
            guard let oh = digits(i + 1, 2), let om = digits(i + (colon ? 4 : 3), 2), oh <= 23, om <= 59 else { return nil }
            offset = sign * (oh * 60 + om)
            i += colon ? 6 : 5
        } else {
            return nil
        }
        guard i == b.count else { return nil }
        let localSeconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + min(second, 59))
        let utcMs = (localSeconds - Int64(offset * 60)) * 1000 + Int64(millis)
        return Timestamp(epochMilliseconds: utcMs, utcOffsetMinutes: Int16(offset))
    }

    /// Epoch milliseconds from 2000-01-01 to 2100-01-01: outside it, digits are
    /// more likely seconds or microseconds than milliseconds of a web visit.
    public static let plausibleMilliseconds: ClosedRange<Int64> = 946_684_800_000...4_102_444_800_000

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant,
    /// "chrono-compatible low-level date algorithms", days_from_civil).
    public static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The civil date of a day number (inverse of `daysFromCivil`).
    public static func civilFromDays(_ z: Int) -> (year: Int, month: Int, day: Int) {
        let z = z + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// RFC 3339 text in the stored offset, millisecond precision.
    public var rfc3339: String {
        let local = localMilliseconds
        let days = Timestamp.floorDiv(local, 86_400_000)
        let msInDay = local - days * 86_400_000
        let (y, m, d) = Timestamp.civilFromDays(Int(days))
        let h = msInDay / 3_600_000, mi = (msInDay / 60_000) % 60, s = (msInDay / 1000) % 60, ms = msInDay % 1000
        func pad(_ v: Int64, _ w: Int) -> String { let s = String(v); return String(repeating: "0", count: max(0, w - s.count)) + s }
        var text = "\(pad(Int64(y), 4))-\(pad(Int64(m), 2))-\(pad(Int64(d), 2))T\(pad(h, 2)):\(pad(mi, 2)):\(pad(s, 2)).\(pad(ms, 3))"
        if utcOffsetMinutes == 0 { text += "Z" } else {
            let o = Int64(abs(Int(utcOffsetMinutes)))
            text += (utcOffsetMinutes < 0 ? "-" : "+") + pad(o / 60, 2) + ":" + pad(o % 60, 2)
        }
        return text
    }
}
