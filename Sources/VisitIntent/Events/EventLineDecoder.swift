import CByteScan
import Foundation

/// The fast path from a canonical JSON Lines record to a row of an
/// `EventTable`: fields are scanned in place and each value is looked up by
/// its bytes in memos that hold what the full path would compute from it
/// (pseudonym, redaction, URL parsing, normalisation), so a repeated value
/// costs a byte hash and no `String`.
///
/// It takes only records it can read exactly as the full path does
/// (`EventReader` → `RawEvent` → `EventTable.append`) and declines any other
/// (malformed JSON, a bad or missing field, a duplicate key, a nested value,
/// invalid UTF-8…): the caller then reads that line through the full path,
/// which gives the usual error, skip count or event. Tested against the full
/// path on generated and hand-made records.
struct EventLineDecoder {
    let pseudonymizer: Pseudonymizer
    let consent: EventReader.ConsentPolicy

    /// Normalised strings by decoder code (0 is the empty string), and each
    /// code's code in the current table, valid while the generation matches.
    struct Strings {
        var strings: [String] = [""]
        /// Codes by exact bytes, as the tables' pools compare: a `String`-keyed
        /// dictionary gave a canonically equivalent spelling the first one's code,
        /// where the full reader keeps both.
        var index = StringPool()
        var tableCodes: [Int32] = [0]
        var tableGenerations: [UInt32] = [0]
        var generation: UInt32 = 1

        init(unique: Bool = false) { self.unique = unique }

        /// Strings are appended without a lookup (pseudonyms: distinct ids give
        /// distinct strings, and a repeat would only cost a second code).
        let unique: Bool

        /// UTF-8 bytes held, for the memory bound.
        var bytes = 0

        /// The decoder code of `s`.
        mutating func code(_ s: String) -> Int32 {
            if unique {
                bytes += s.utf8.count
                strings.append(s)
                tableCodes.append(0)
                tableGenerations.append(0)
                return Int32(strings.count - 1)
            }
            let c = index.intern(s)
            if Int(c) < strings.count { return c }
            bytes += s.utf8.count
            strings.append(s)
            tableCodes.append(0)
            tableGenerations.append(0)
            return c
        }

        /// The code of decoder string `c` in `table`'s pool.
        @inline(__always) mutating func tableCode(_ c: Int32, _ table: inout EventTable) -> Int32 {
            if c == 0 { return 0 }
            let k = Int(c)
            if tableGenerations[k] == generation { return tableCodes[k] }
            let t = unique ? table.pool.intern(strings[k]) : table.pool.intern(c, of: index)  // codes here are `index`'s
            tableCodes[k] = t
            tableGenerations[k] = generation
            return t
        }

        mutating func nextTable() {
            generation &+= 1
            if generation == 0 {
                for c in tableGenerations.indices { tableGenerations[c] = 0 }
                generation = 1
            }
        }
    }
    private var pool = Strings()
    /// Pseudonyms apart: ids are mostly seen in one session, so they are
    /// forgotten with the id memo (bounded) rather than kept with the rest.
    private var idPool = Strings(unique: true)

    private struct Page { var path: Int32, host: Int32, source: Int32, medium: Int32, campaign: Int32, present: Bool }
    private struct Traffic { var code: Int32, present: Bool }

    private let limits: DecoderLimits
    /// Raw visitor or session id → pseudonym (`idPool`), in two generations of
    /// `limits.idGeneration` ids: the recent ids and the ones before them. Input in
    /// time order looks an id up again soon or much later (a returning
    /// visitor): two small tables stay in cache where one memo of every id
    /// missed it on most lookups, and an id older than both costs one more
    /// pseudonym (a second code for the same string, which is harmless).
    private var ids = ByteMemo<Int32>(limit: .max, byteLimit: .max)
    private var olderIds = ByteMemo<Int32>(limit: .max, byteLimit: .max)
    private var eventNames = ByteMemo<(EventKind, Int32)>(limit: 10_000)  // name → kind, kept name when `other`
    private var pages = ByteMemo<Page>(limit: 100_000)
    private var redactedPages = ByteMemo<Page>(limit: 100_000)        // by `campaignKey`: URLs differing in a click id
    private var referrers = ByteMemo<Int32>(limit: 100_000)           // → referrer host
    private var referrerHeads = ByteMemo<Int32>(limit: 100_000)       // by `hostKey`: referrers differing after their host
    private var traffic = ByteMemo<Traffic>(limit: 100_000)           // source, medium, campaign
    private var attributes = ByteMemo<Int32>(limit: 100_000)          // country, region, gender, age band
    private var devices = ByteMemo<Int8>(limit: 1_000)                // Device raw value, -1 invalid
    private var searches = ByteMemo<Bool>(limit: 10_000)              // non-empty once redacted
    private var texts = ByteMemo<Bool>(limit: 100_000)                // other non-ASCII strings: valid UTF-8?

    private var dates = Timestamp.DateMemo()
    /// The two fields that last followed each field on a line (by ordinal; the
    /// line's start and an unknown key at the end), most recent first, -1 for
    /// none: a key is first compared with their `"name":` tokens, three word
    /// compares where scanning it and looking it up were a sixth of the scan.
    /// Exports repeat a few layouts of keys, so one of the two is usually right.
    private var successors = [Int8](repeating: -1, count: 2 * KeyToken.states)
    private let tokens = KeyToken.byOrdinal
    /// Decoded escaped strings of the current line.
    private var scratch: [UInt8] = []
    private let fields = CanonicalField.Lookup.shared

    init(pseudonymizer: Pseudonymizer, consent: EventReader.ConsentPolicy, limits: DecoderLimits = DecoderLimits()) {
        self.pseudonymizer = pseudonymizer
        self.consent = consent
        self.limits = limits
    }

    /// Rows appended after this go to a new table: forget the codes of the last one
    /// (the last table's pending rows must have been flushed).
    mutating func startTable() {
        precondition(pending.isEmpty, "rows of the last table were not flushed")
        pool.nextTable()
        idPool.nextTable()
    }

    /// A field value as found on the line: bytes of the line, or of `scratch` once unescaped.
    private struct Value {
        var start = 0, count = 0
        var escaped = false
        var nonASCII = false
        var kind: Kind = .absent
        enum Kind { case absent, null, string, number, bool }
        var flag = false
    }

    /// Reads the line at the start of `rest` into `table` and counts it in
    /// `summary`; returns the line's length (the index of its `\n` in `rest`, or
    /// `rest.count` when `endsData` and no line end follows), or nil (nothing
    /// changed) when the line must go through the full path. The scan finds the
    /// line's end itself: a `memchr` over every line first cost 2.7% of batch scoring.
    mutating func append(lineAt rest: UnsafeBufferPointer<UInt8>, endsData: Bool, to table: inout EventTable,
                         summary: inout EventReader.Summary) -> Int? {
        if pool.strings.count > limits.strings || pool.bytes > limits.bytes {
            flush(into: &table)  // pending rows hold codes of the pools about to go
            reset()
        }
        // A line adds at most two pseudonyms: forget them all before the pool outgrows its bounds.
        if idPool.strings.count + 2 > limits.ids || idPool.bytes > limits.bytes {
            flush(into: &table)
            ids.removeAll()
            olderIds.removeAll()
            idPool = Strings(unique: true)
        }
        scratch.removeAll(keepingCapacity: true)
        return withUnsafeTemporaryAllocation(of: Value.self, capacity: 20) { v in
            v.initialize(repeating: Value())
            guard let end = scan(rest, endsData: endsData, into: v) else { return nil }
            return commit(rest, UnsafeBufferPointer(v), to: &table, summary: &summary) ? end : nil
        }
    }

    private mutating func reset() {
        pool = Strings()
        idPool = Strings(unique: true)
        ids.removeAll(); olderIds.removeAll(); eventNames.removeAll(); pages.removeAll(); redactedPages.removeAll(); referrers.removeAll(); referrerHeads.removeAll(); traffic.removeAll()
        attributes.removeAll(); devices.removeAll(); searches.removeAll(); texts.removeAll()
    }

    // MARK: Scanning

    /// JSON's whitespace but the line feed, which ends the line (a record split over
    /// lines is the full path's to report).
    private static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0D }

    /// Scans the object at the start of `b`; the canonical fields land in `v` by
    /// `CanonicalField` order. Returns where the line ends (its `\n`, or `b.count`
    /// when `endsData`) if nothing but blanks follows the object on its line.
    private mutating func scan(_ b: UnsafeBufferPointer<UInt8>, endsData: Bool, into v: UnsafeMutableBufferPointer<Value>) -> Int? {
        var i = 0
        let n = b.count
        @inline(__always) func skip() { while i < n && Self.isSpace(b[i]) { i += 1 } }
        guard n > 0, b[0] == UInt8(ascii: "{") else { return nil }
        i = 1
        skip()
        if i < n && b[i] == UInt8(ascii: "}") { return nil }  // an empty object lacks the required fields
        var previous = KeyToken.lineStart
        while true {
            skip()
            guard i < n, b[i] == UInt8(ascii: "\"") else { return nil }
            var field: CanonicalField? = nil
            let first = Int(successors[2 * previous]), second = Int(successors[2 * previous + 1])
            if n - i >= KeyToken.readable {
                // A field that followed the same key before, if its token is here: what the scan below would find.
                if first >= 0, tokens[first].matches(b.baseAddress! + i) {
                    field = tokens[first].field
                } else if second >= 0, tokens[second].matches(b.baseAddress! + i) {
                    field = tokens[second].field
                    successors[2 * previous] = Int8(second)
                    successors[2 * previous + 1] = Int8(first)
                }
            }
            if let field {
                i += tokens[field.ordinal].length
                previous = field.ordinal
            } else {
                // Keys: plain ASCII only (others go the full path); found sixteen bytes a step.
                var high: Int32 = 0
                let j = i + 1 + cbytescan_string_run(b.baseAddress! + i + 1, n - i - 1, &high)
                guard high == 0, j < n, b[j] == UInt8(ascii: "\"") else { return nil }
                field = fields.field(named: UnsafeBufferPointer(rebasing: b[(i + 1)..<j]), readable: n - i - 1)
                if let k = field?.ordinal, k != first {
                    successors[2 * previous + 1] = Int8(first)
                    successors[2 * previous] = Int8(k)
                }
                previous = field?.ordinal ?? KeyToken.unknownKey
                i = j + 1
                skip()
                guard i < n, b[i] == UInt8(ascii: ":") else { return nil }
                i += 1
            }
            skip()
            guard i < n else { return nil }
            var value = Value()
            switch b[i] {
            case UInt8(ascii: "\""):
                guard let (end, string) = scanString(b, from: i) else { return nil }
                value = string
                i = end
            case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
                let word: StaticString = b[i] == UInt8(ascii: "t") ? "true" : b[i] == UInt8(ascii: "f") ? "false" : "null"
                let w = word.utf8Start, count = word.utf8CodeUnitCount
                guard i + count <= n else { return nil }
                for k in 0..<count where b[i + k] != w[k] { return nil }
                value.kind = b[i] == UInt8(ascii: "n") ? .null : .bool
                value.flag = b[i] == UInt8(ascii: "t")
                i += count
            case UInt8(ascii: "-"), 48...57:
                guard let end = scanNumber(b, from: i) else { return nil }
                value.kind = .number
                value.start = i
                value.count = end - i
                i = end
            default:
                return nil  // nested objects and arrays, or garbage: the full path
            }
            if let field {
                let k = field.ordinal
                guard v[k].kind == .absent else { return nil }  // a repeated key
                v[k] = value
            } else if value.kind == .string && value.nonASCII {
                guard validText(value, b) else { return nil }
            }
            skip()
            guard i < n else { return nil }
            if b[i] == UInt8(ascii: ",") { i += 1; continue }
            guard b[i] == UInt8(ascii: "}") else { return nil }
            i += 1
            skip()
            if i < n && b[i] == 0x0A { return i }
            return i == n && endsData ? i : nil
        }
    }

    /// A string at `start` (its opening quote); escapes are decoded into
    /// `scratch`. Returns the index after the closing quote and the value, or nil.
    /// Inlined, and the value returned rather than written through `inout`: a value in
    /// memory, stored a field at a time and copied whole into its slot, stalled the
    /// copy (a failed store-to-load forwarding) at every key of every line.
    @inline(__always) private mutating func scanString(_ b: UnsafeBufferPointer<UInt8>, from start: Int) -> (Int, Value)? {
        var i = start + 1
        let n = b.count
        var high = false
        // The plain run, sixteen bytes a step (URLs and titles are long).
        if let base = b.baseAddress, i < n {
            var h: Int32 = 0
            i += cbytescan_string_run(base + i, n - i, &h)
            high = h != 0
        }
        while i < n {
            let c = b[i]
            if c == UInt8(ascii: "\"") { break }
            if c == UInt8(ascii: "\\") { return scanEscapedString(b, from: start) }
            if c < 0x20 { return nil }
            if c >= 0x80 { high = true }
            i += 1
        }
        guard i < n else { return nil }
        var value = Value()
        value.kind = .string
        value.start = start + 1
        value.count = i - start - 1
        value.nonASCII = high
        return (i + 1, value)
    }

    /// The same for a string with escapes: decoded into `scratch` (surrogate pairs joined; lone ones refused).
    private mutating func scanEscapedString(_ b: UnsafeBufferPointer<UInt8>, from start: Int) -> (Int, Value)? {
        let first = scratch.count
        var i = start + 1
        let n = b.count
        var high = false
        func hex4(_ at: Int) -> UInt32? {
            guard at + 4 <= n else { return nil }
            var v: UInt32 = 0
            for k in at..<(at + 4) {
                let c = b[k]
                switch c {
                case 48...57: v = v * 16 + UInt32(c - 48)
                case 65...70: v = v * 16 + UInt32(c - 55)
                case 97...102: v = v * 16 + UInt32(c - 87)
                default: return nil
                }
            }
            return v
        }
        while i < n {
            let c = b[i]
            if c == UInt8(ascii: "\"") { break }
            if c < 0x20 { return nil }
            if c != UInt8(ascii: "\\") {
                if c >= 0x80 { high = true }
                scratch.append(c)
                i += 1
                continue
            }
            guard i + 1 < n else { return nil }
            let e = b[i + 1]
            i += 2
            if let byte = JSONLineParser.simpleEscape(e) { scratch.append(byte); continue }
            switch e {
            case UInt8(ascii: "u"):
                guard var scalar = hex4(i) else { return nil }
                i += 4
                if (0xD800...0xDBFF).contains(scalar) {
                    guard i + 6 <= n, b[i] == UInt8(ascii: "\\"), b[i + 1] == UInt8(ascii: "u"), let low = hex4(i + 2), (0xDC00...0xDFFF).contains(low) else { return nil }
                    i += 6
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00...0xDFFF).contains(scalar) {
                    return nil
                }
                guard let u = Unicode.Scalar(scalar) else { return nil }
                UTF8.encode(u) { scratch.append($0) }
            default:
                return nil
            }
        }
        guard i < n else { return nil }
        var value = Value()
        value.kind = .string
        value.escaped = true
        value.start = first
        value.count = scratch.count - first
        value.nonASCII = high  // raw non-ASCII bytes still need checking; decoded escapes are valid
        return (i + 1, value)
    }

    /// A JSON number's end, with the grammar the full parser checks.
    private func scanNumber(_ b: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var i = start
        let n = b.count
        @inline(__always) func digit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
        if b[i] == UInt8(ascii: "-") { i += 1 }
        let intStart = i
        while i < n, digit(b[i]) { i += 1 }
        guard i > intStart else { return nil }
        if b[intStart] == 48, i - intStart > 1 { return nil }
        if i < n, b[i] == UInt8(ascii: ".") {
            i += 1
            let f = i
            while i < n, digit(b[i]) { i += 1 }
            guard i > f else { return nil }
        }
        if i < n, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
            i += 1
            if i < n, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i += 1 }
            let e = i
            while i < n, digit(b[i]) { i += 1 }
            guard i > e else { return nil }
        }
        return i
    }

    /// A value's bytes: a slice of the line, or of the unescaped `scratch`.
    @inline(__always) private static func key(_ value: Value, _ line: UnsafeBufferPointer<UInt8>, _ scratch: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: (value.escaped ? scratch : line)[value.start..<(value.start + value.count)])
    }

    private mutating func validText(_ value: Value, _ line: UnsafeBufferPointer<UInt8>) -> Bool {
        let scratch = self.scratch
        return scratch.withUnsafeBufferPointer { sb in
            let key = Self.key(value, line, sb)
            let h = texts.hash(key)
            if let known = texts.find(key, hash: h) { return known }
            let ok = String(validating: key, as: UTF8.self) != nil
            texts.insert(key, hash: h, value: ok)
            return ok
        }
    }

    /// `key` looked up in `memo`; on a miss, `make` computes the value from the
    /// key's text (nil, or text that is not UTF-8: decline the line).
    @inline(__always) private static func lookup<V>(_ memo: inout ByteMemo<V>, _ key: UnsafeBufferPointer<UInt8>, _ pool: inout Strings,
                                                     hash: UInt64? = nil, _ make: (inout Strings, String) -> V?) -> V? {
        let h = hash ?? memo.hash(key)
        if let known = memo.find(key, hash: h) { return known }
        guard let text = String(validating: key, as: UTF8.self), let made = make(&pool, text) else { return nil }
        memo.insert(key, hash: h, value: made)
        return made
    }

    /// The pseudonym code of a raw id, as `lookup` would give it, hashing the
    /// bytes themselves (no `String` of the raw id); nil when they are not UTF-8.
    @inline(__always) private mutating func pseudonymCode(_ key: UnsafeBufferPointer<UInt8>, hash: UInt64? = nil) -> Int32? {
        let h = hash ?? ids.hash(key)
        if let code = ids.find(key, hash: h) { return code }
        if let code = olderIds.find(key, hash: h) {
            rememberId(key, hash: h, code: code)
            return code
        }
        guard key.allSatisfy({ $0 < 0x80 }) || String(validating: key, as: UTF8.self) != nil else { return nil }
        let code = idPool.code(pseudonymizer.pseudonym(utf8: key))
        rememberId(key, hash: h, code: code)
        return code
    }

    /// Adds an id to the recent generation; a full one becomes the older one.
    @inline(__always) private mutating func rememberId(_ key: UnsafeBufferPointer<UInt8>, hash: UInt64, code: Int32) {
        if ids.count >= max(1, limits.idGeneration) {
            swap(&ids, &olderIds)
            ids.removeAll()
        }
        ids.insert(key, hash: hash, value: code)
    }

    /// `lookup` with a second memo for the keys the first misses: by
    /// `derivedKey(text)`, which holds all that `make` depends on (nil: none
    /// does), so values differing only where `make` does not look are made once.
    @inline(__always) private static func lookup<V>(_ memo: inout ByteMemo<V>, _ key: UnsafeBufferPointer<UInt8>, _ pool: inout Strings,
                                                     hash: UInt64? = nil, derived: inout ByteMemo<V>, _ derivedKey: (String) -> [UInt8]?,
                                                     _ make: (inout Strings, String) -> V) -> V? {
        lookup(&memo, key, &pool, hash: hash) { pool, text in
            guard let k = derivedKey(text) else { return make(&pool, text) }
            return k.withUnsafeBufferPointer { k in
                let h = derived.hash(k)
                if let known = derived.find(k, hash: h) { return known }
                let made = make(&pool, text)
                derived.insert(k, hash: h, value: made)
                return made
            }
        }
    }

    /// What the full path computes from a page URL: redacted, then parsed.
    private static func makePage(_ pool: inout Strings, _ raw: String) -> Page {
        let redacted = Redactor.url(raw)
        if redacted.isEmpty { return Page(path: 0, host: 0, source: 0, medium: 0, campaign: 0, present: false) }
        let parsed = PageURL(redacted)
        func utm(_ s: String?) -> Int32 { s.map { pool.code($0.lowercased().trimmingWhitespace) } ?? 0 }
        return Page(path: pool.code(parsed.path), host: pool.code(parsed.host), source: utm(parsed.utmSource),
                    medium: utm(parsed.utmMedium), campaign: utm(parsed.utmCampaign), present: true)
    }

    /// For a printable-ASCII URL with a query: all that its redaction depends
    /// on (`Redactor.printableASCIIURL`): the bytes before the query, and the
    /// campaign its query implies (`utm_*`, or a click id's source and medium).
    /// Each click id (`gclid`…) makes a URL of its own, seen once; many share
    /// this key, so they are redacted and parsed once. Nil for other URLs.
    static func campaignKey(_ raw: String) -> [UInt8]? {
        PageURL.withPrintableASCII(raw) { u -> [UInt8]? in
            var cut = 0
            while cut < u.count, u[cut] != UInt8(ascii: "?"), u[cut] != UInt8(ascii: "#") { cut += 1 }
            guard cut < u.count, u[cut] == UInt8(ascii: "?") else { return nil }
            let parsed = PageURL(raw)
            var k = Array(u[0..<cut])
            k.append(0xFF)  // never in printable ASCII: the prefix ends here
            for value in [parsed.utmSource, parsed.utmMedium, parsed.utmCampaign] {
                guard let value else { k.append(0); continue }
                k.append(1)
                withUnsafeBytes(of: UInt32(truncatingIfNeeded: value.utf8.count).littleEndian) { k.append(contentsOf: $0) }
                k.append(contentsOf: value.utf8)
            }
            return k
        }
    }

    /// What the full path computes from a referrer: the host of its redaction.
    private static func makeReferrerHost(_ pool: inout Strings, _ raw: String) -> Int32 {
        let redacted = Redactor.url(raw)
        return redacted.isEmpty ? 0 : pool.code(PageURL(redacted).host)
    }

    /// For a printable-ASCII URL whose scheme `Redactor.printableASCIIURL` takes:
    /// its bytes up to the end of the authority (`Redactor.printableHead`), all
    /// that the redacted URL's host depends on (the redacted path, query and
    /// fragment come after it, and redaction puts no `/`, `?` or `#` into the
    /// authority). Referrers carry search terms and click tokens
    /// (`l.facebook.com/l.php?u=…&h=…`): many share a host. Nil for other URLs.
    static func hostKey(_ raw: String) -> [UInt8]? {
        PageURL.withPrintableASCII(raw) { u -> [UInt8]? in
            Redactor.printableHead(u).map { Array(u[0..<$0.hostEnd]) }
        }
    }

    // MARK: Committing

    private mutating func commit(_ line: UnsafeBufferPointer<UInt8>, _ v: UnsafeBufferPointer<Value>, to table: inout EventTable,
                                 summary: inout EventReader.Summary) -> Bool {
        func at(_ f: CanonicalField) -> Value { v[f.ordinal] }
        // Required fields, as `RawEvent.validate` wants them.
        let visitor = at(.visitorId), stamp = at(.timestamp), name = at(.event)
        guard visitor.kind == .string || visitor.kind == .number, visitor.count > 0 else { return false }
        guard (stamp.kind == .string || stamp.kind == .number) && !stamp.escaped else { return false }
        guard name.kind == .string, name.count > 0 else { return false }
        let session = at(.sessionId)
        // The ids' slots are loaded while the rest of the line is checked: they are the
        // lookups that miss the cache (ids are many, and most are looked up a few times).
        @inline(__always) func idHash(_ x: Value) -> UInt64? {
            guard !x.escaped, x.kind == .string || x.kind == .number, x.count > 0 else { return nil }
            let h = ids.hash(UnsafeBufferPointer(rebasing: line[x.start..<(x.start + x.count)]))
            ids.prefetch(hash: h)
            olderIds.prefetch(hash: h)
            return h
        }
        let visitorHash = idHash(visitor), sessionHash = idHash(session)
        // The page memo too is large (click ids make URLs seen once): its slot is loaded early as well.
        var urlHash: UInt64? = nil
        let u = at(.url)
        if u.kind == .string && !u.escaped {
            let h = pages.hash(UnsafeBufferPointer(rebasing: line[u.start..<(u.start + u.count)]))
            pages.prefetch(hash: h)
            urlHash = h
        }
        guard let time = Timestamp.parse(UnsafeBufferPointer(rebasing: line[stamp.start..<(stamp.start + stamp.count)]), memo: &dates) else { return false }

        // Optional fields: absent or null, or the one JSON type each takes.
        func text(_ f: CanonicalField) -> Value? {
            let x = at(f)
            switch x.kind {
            case .absent, .null: return Value()
            case .string: return x
            default: return nil
            }
        }
        guard let url = text(.url), let referrer = text(.referrer), let title = text(.title), let device = text(.device),
              let source = text(.source), let medium = text(.medium), let campaign = text(.campaign), let country = text(.country),
              let region = text(.region), let city = text(.city), let gender = text(.gender), let age = text(.ageBand),
              let search = text(.searchTerm) else { return false }
        guard session.kind != .bool else { return false }
        let consentValue = at(.consent)
        guard consentValue.kind == .absent || consentValue.kind == .null || consentValue.kind == .bool else { return false }
        if title.nonASCII, !validText(title, line) { return false }
        if city.nonASCII, !validText(city, line) { return false }

        // Numbers: engagement as plain digits, scroll as any number within 0…100.
        var engagement: Int32 = -1
        let e = at(.engagementMs)
        switch e.kind {
        case .absent, .null: break
        case .number:
            guard e.count <= 18 else { return false }
            var x: Int64 = 0
            for k in e.start..<(e.start + e.count) {
                let c = line[k]
                guard c >= 48 && c <= 57 else { return false }
                x = x * 10 + Int64(c - 48)
            }
            engagement = Int32(clamping: x)
        default: return false
        }
        var scroll = Float.nan
        let s = at(.scrollPct)
        switch s.kind {
        case .absent, .null: break
        case .number:
            let digits = UnsafeBufferPointer(rebasing: line[s.start..<(s.start + s.count)])
            if digits.count <= 3, digits.allSatisfy({ $0 >= 48 && $0 <= 57 }) {  // "0"…"100", the usual case: no `String`
                let x = digits.reduce(0) { $0 * 10 + Int($1 - 48) }
                guard x <= 100 else { return false }
                scroll = Float(x)
            } else {
                guard let x = Double(String(decoding: digits, as: UTF8.self)), x.isFinite, x >= 0, x <= 100 else { return false }
                scroll = Float(x)
            }
        default: return false
        }

        // Strings, through their memos.
        // No copies of `pseudonymizer` or `scratch` per line (their references were retained
        // and released every line): the pseudonymizer is read on a miss only, and `scratch`
        // only when a value had escapes.
        func build(_ sb: UnsafeBufferPointer<UInt8>) -> Row? {
            func key(_ x: Value) -> UnsafeBufferPointer<UInt8> { Self.key(x, line, sb) }
            let nameKey = key(name)
            guard let kindAndName = Self.lookup(&eventNames, nameKey, &pool, { pool, raw in
                let first = EventKind(name: raw)
                guard first == .other else { return (first, 0) }
                let redacted = Redactor.text(raw)
                let kind = EventKind(name: redacted)
                return (kind, kind == .other ? pool.code(redacted) : 0)
            }) else { return nil }
            if url.count == 0 && nameKey.elementsEqual(Self.pageView) { return nil }  // a page view needs a URL
            var r = Row(kind: kindAndName.0, otherName: kindAndName.1)
            guard let visitorCode = pseudonymCode(key(visitor), hash: visitorHash) else { return nil }
            r.visitor = visitorCode
            if (session.kind == .string || session.kind == .number) && session.count > 0 {
                guard let c = pseudonymCode(key(session), hash: sessionHash) else { return nil }
                r.session = c
            }
            var page = Page(path: 0, host: 0, source: 0, medium: 0, campaign: 0, present: false)
            if url.kind == .string {
                guard let p = Self.lookup(&pages, key(url), &pool, hash: urlHash, derived: &redactedPages, Self.campaignKey, Self.makePage) else { return nil }
                page = p
            }
            r.path = page.path
            r.host = page.host
            if referrer.kind == .string {
                guard let h = Self.lookup(&referrers, key(referrer), &pool, derived: &referrerHeads, Self.hostKey, Self.makeReferrerHost) else { return nil }
                r.referrerHost = h
            }
            if device.kind == .string {
                guard let d = Self.lookup(&devices, key(device), &pool, { _, name in Device(name: name).map { Int8($0.rawValue) } ?? -1 }),
                      d >= 0 else { return nil }
                r.device = Device(rawValue: UInt8(d))!
            }
            // An explicit source, medium or campaign wins over the URL's UTM tags unless it is empty.
            func trafficCode(_ x: Value, _ fromPage: Int32) -> Int32? {
                guard x.kind == .string else { return fromPage }
                guard let t = Self.lookup(&traffic, key(x), &pool, { pool, raw in
                    let redacted = Redactor.text(raw)
                    return Traffic(code: pool.code(redacted.lowercased().trimmingWhitespace), present: !redacted.isEmpty)
                }) else { return nil }
                return t.present ? t.code : fromPage
            }
            func attributeCode(_ x: Value) -> Int32? {
                guard x.kind == .string else { return 0 }
                return Self.lookup(&attributes, key(x), &pool) { pool, raw in pool.code(Redactor.text(raw).trimmingWhitespace) }
            }
            guard let sourceCode = trafficCode(source, page.source), let mediumCode = trafficCode(medium, page.medium),
                  let campaignCode = trafficCode(campaign, page.campaign), let countryCode = attributeCode(country),
                  let regionCode = attributeCode(region), let genderCode = attributeCode(gender), let ageCode = attributeCode(age) else { return nil }
            r.source = sourceCode; r.medium = mediumCode; r.campaign = campaignCode
            r.country = countryCode; r.region = regionCode; r.gender = genderCode; r.ageBand = ageCode
            r.searched = r.kind == .search
            if search.kind == .string {
                guard let nonEmpty = Self.lookup(&searches, key(search), &pool, { _, raw in !Redactor.text(raw).isEmpty }) else { return nil }
                r.searched = r.searched || nonEmpty
            }
            return r
        }
        let row: Row?
        if scratch.isEmpty {
            row = build(UnsafeBufferPointer(start: nil, count: 0))
        } else {
            let scratch = self.scratch
            row = scratch.withUnsafeBufferPointer { build($0) }
        }
        guard let row else { return false }

        // Consent, as `Admission.admit` honours it.
        summary.records += 1
        let consentFlag: Int8 = consentValue.kind == .bool ? (consentValue.flag ? 1 : 0) : -1
        switch (consent, consentFlag) {
        case (.excludeRefused, 0), (.requireConsent, 0), (.requireConsent, -1):
            summary.excludedForConsent += 1
            return true
        default: break
        }
        pending.append(Pending(row: row, time: time.epochMilliseconds, utcOffset: time.utcOffsetMinutes, consent: consentFlag,
                               engagementMs: engagement, scrollPct: scroll))
        if pending.count >= Self.pendingLimit { flush(into: &table) }
        summary.kept += 1
        return true
    }

    /// Rows decoded and not yet in the table: appended column by column in
    /// batches (21 appends a row, each checking its array, cost more than the
    /// memo lookups).
    private var pending: [Pending] = []
    private static let pendingLimit = 1024

    private struct Pending {
        var row: Row
        var time: Int64
        var utcOffset: Int16
        var consent: Int8
        var engagementMs: Int32
        var scrollPct: Float
    }

    /// Appends the decoded rows still pending to `table`; the caller calls it
    /// before appending a row of its own and when the part ends.
    mutating func flush(into table: inout EventTable) {
        if pending.isEmpty { return }
        // Table codes first, row by row in field order: strings enter the table's pool
        // in the order row-by-row appends interned them, so the codes do not change.
        for i in pending.indices {
            var r = pending[i].row
            r.visitor = idPool.tableCode(r.visitor, &table)
            r.session = idPool.tableCode(r.session, &table)
            r.otherName = pool.tableCode(r.otherName, &table)
            r.path = pool.tableCode(r.path, &table)
            r.host = pool.tableCode(r.host, &table)
            r.referrerHost = pool.tableCode(r.referrerHost, &table)
            r.source = pool.tableCode(r.source, &table)
            r.medium = pool.tableCode(r.medium, &table)
            r.campaign = pool.tableCode(r.campaign, &table)
            r.country = pool.tableCode(r.country, &table)
            r.region = pool.tableCode(r.region, &table)
            r.gender = pool.tableCode(r.gender, &table)
            r.ageBand = pool.tableCode(r.ageBand, &table)
            pending[i].row = r
        }
        pending.withUnsafeBufferPointer { rows in
            // One tight copy per column (a lazy map's iteration cost twice as much).
            @inline(__always) func column<T>(_ into: inout [T], _ value: (Pending) -> T) {
                withUnsafeTemporaryAllocation(of: T.self, capacity: rows.count) { tmp in
                    for i in rows.indices { tmp.initializeElement(at: i, to: value(rows[i])) }
                    into.append(contentsOf: UnsafeBufferPointer(tmp))
                    _ = tmp.deinitialize()
                }
            }
            column(&table.visitor) { $0.row.visitor }
            column(&table.session) { $0.row.session }
            column(&table.time) { $0.time }
            column(&table.utcOffset) { $0.utcOffset }
            column(&table.kind) { $0.row.kind }
            column(&table.otherName) { $0.row.otherName }
            column(&table.path) { $0.row.path }
            column(&table.host) { $0.row.host }
            column(&table.referrerHost) { $0.row.referrerHost }
            column(&table.device) { $0.row.device }
            column(&table.source) { $0.row.source }
            column(&table.medium) { $0.row.medium }
            column(&table.campaign) { $0.row.campaign }
            column(&table.country) { $0.row.country }
            column(&table.region) { $0.row.region }
            column(&table.gender) { $0.row.gender }
            column(&table.ageBand) { $0.row.ageBand }
            column(&table.consent) { $0.consent }
            column(&table.engagementMs) { $0.engagementMs }
            column(&table.scrollPct) { $0.scrollPct }
            column(&table.searched) { $0.row.searched }
        }
        pending.removeAll(keepingCapacity: true)
    }

    /// A line's decoder codes, before they go to the table.
    private struct Row {
        var kind: EventKind
        var otherName: Int32
        var visitor: Int32 = 0, session: Int32 = 0, path: Int32 = 0, host: Int32 = 0, referrerHost: Int32 = 0
        var device = Device.unknown
        var source: Int32 = 0, medium: Int32 = 0, campaign: Int32 = 0
        var country: Int32 = 0, region: Int32 = 0, gender: Int32 = 0, ageBand: Int32 = 0
        var searched = false
        init(kind: EventKind, otherName: Int32) { self.kind = kind; self.otherName = otherName }
    }

    private static let pageView = Array("page_view".utf8)
}
