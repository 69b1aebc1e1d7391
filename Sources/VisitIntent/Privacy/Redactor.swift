/// Removes personal data from free text and URLs before anything else sees
/// them: e-mail addresses, phone numbers (French and international formats),
/// IP addresses and long digit runs (patient or record numbers).
///
/// Hand-written scanning rather than regular expressions: it runs on every
/// URL and title of every event, and most strings have no digit and no `@`,
/// so the common case returns at once.
public enum Redactor {
    public static let email = "[email]", phone = "[phone]", ip = "[ip]", number = "[number]"

    /// Digits in a row from which a number is taken for an identifier.
    static let longDigitRun = 6
    /// Digits (with separators) from which a run is taken for a phone number.
    static let phoneDigits = 9

    /// `text` with personal data replaced by `[email]`, `[phone]`, `[ip]`, `[number]`.
    public static func text(_ text: String) -> String {
        // Most fields hold no digit and no '@': return them without copying their bytes.
        guard text.utf8.contains(where: { ($0 >= 48 && $0 <= 57) || $0 == 64 }) else { return text }
        let u = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(u.count)
        var i = 0
        @inline(__always) func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
        @inline(__always) func isHex(_ c: UInt8) -> Bool { isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70) }
        @inline(__always) func isLocal(_ c: UInt8) -> Bool {
            isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 46 || c == 95 || c == 37 || c == 43 || c == 45 || c >= 0x80
        }
        @inline(__always) func isDomain(_ c: UInt8) -> Bool { isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 46 || c == 45 || c >= 0x80 }
        @inline(__always) func isWordByte(_ c: UInt8) -> Bool { isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) }
        while i < u.count {
            let c = u[i]
            // E-mail: the local part is already in `out`; take it back.
            if c == 64 {
                var start = out.count
                while start > 0, isLocal(out[start - 1]) { start -= 1 }
                var end = i + 1
                var dot = false
                while end < u.count, isDomain(u[end]) { if u[end] == 46 { dot = true }; end += 1 }
                while end > i + 1, u[end - 1] == 46 || u[end - 1] == 45 { end -= 1 }
                if start < out.count && dot && end > i + 3 {
                    out.removeSubrange(start...)
                    out.append(contentsOf: email.utf8)
                    i = end
                    continue
                }
            }
            // Starts of numbers: IPv6 (hex groups and colons), IPv4, phone, long digits.
            if (isDigit(c) || c == 43 || c == 40 || isHex(c) || c == 58) && (i == 0 || !isWordByte(u[i - 1]) || u[i - 1] == 43) {
                if let end = ipv6End(u, i) { out.append(contentsOf: ip.utf8); i = end; continue }
            }
            // An ISO date (2026-11-28) is kept: with a time after it, it would look like a phone number.
            if isDigit(c) && (i == 0 || !isWordByte(u[i - 1])) && i + 10 <= u.count && (0..<10).allSatisfy({ k in (k == 4 || k == 7) ? u[i + k] == 45 : isDigit(u[i + k]) })
                && (i + 10 == u.count || !isDigit(u[i + 10])) {
                out.append(contentsOf: u[i..<(i + 10)])
                i += 10
                continue
            }
            if (isDigit(c) || c == 43 || c == 40) && (i == 0 || !isWordByte(u[i - 1])) {
                if let end = ipv4End(u, i) { out.append(contentsOf: ip.utf8); i = end; continue }
                // A phone-like run: digits with spaces, dots, dashes, slashes, parentheses, a leading +.
                var j = i, digits = 0, lastDigit = i
                while j < u.count {
                    let d = u[j]
                    if isDigit(d) { digits += 1; lastDigit = j; j += 1; continue }
                    if (d == 32 || d == 46 || d == 45 || d == 47 || d == 40 || d == 41) && j + 1 < u.count && (isDigit(u[j + 1]) || u[j + 1] == 40 || u[j + 1] == 32) && j - lastDigit <= 2 { j += 1; continue }
                    if d == 43 && j == i { j += 1; continue }
                    break
                }
                let end = lastDigit + 1
                let boundary = end >= u.count || !isWordByte(u[end])
                if digits >= phoneDigits && digits <= 15 && boundary && (c == 43 || c == 40 || c == 48 || hasSeparator(u, i, end)) {
                    out.append(contentsOf: phone.utf8); i = end; continue
                }
            }
            // A long run of digits, even glued to letters ("dossier12345678").
            if isDigit(c) && (i == 0 || !isDigit(u[i - 1])) {
                var k = i
                while k < u.count, isDigit(u[k]) { k += 1 }
                if k - i >= longDigitRun {
                    out.append(contentsOf: (k - i >= phoneDigits && c == 48 && k - i <= 10 ? phone : number).utf8)
                    i = k
                    continue
                }
            }
            out.append(c)
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hasSeparator(_ u: [UInt8], _ start: Int, _ end: Int) -> Bool {
        u[start..<end].contains { $0 == 32 || $0 == 46 || $0 == 45 || $0 == 47 || $0 == 40 }
    }

    /// End of a dotted-quad IPv4 address starting at `i`.
    private static func ipv4End(_ u: [UInt8], _ i: Int) -> Int? {
        var j = i
        for part in 0..<4 {
            let s = j
            var value = 0
            while j < u.count, u[j] >= 48, u[j] <= 57, j - s < 3 { value = value * 10 + Int(u[j] - 48); j += 1 }
            if j == s || value > 255 || (u[s] == 48 && j - s > 1) { return nil }  // no leading zeros: "06.12.34.56.78" is a phone
            if part < 3 { guard j < u.count, u[j] == 46 else { return nil }; j += 1 }
        }
        if j < u.count, (u[j] >= 48 && u[j] <= 57) { return nil }
        if j + 1 < u.count, u[j] == 46, u[j + 1] >= 48, u[j + 1] <= 57 { return nil }  // a fifth group: not an address
        return j
    }

    /// End of an IPv6 address starting at `i`: with `::`, or eight groups.
    private static func ipv6End(_ u: [UInt8], _ i: Int) -> Int? {
        var j = i, groups = 0, colons = 0, doubleColon = false, digits = 0
        var groupLength = 0
        while j < u.count {
            let c = u[j]
            let hex = (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70)
            if hex {
                groupLength += 1
                if c >= 48 && c <= 57 { digits += 1 }
                if groupLength > 4 { return nil }
            } else if c == 58 {
                if groupLength > 0 { groups += 1 }
                if j > i && u[j - 1] == 58 { if doubleColon { return nil }; doubleColon = true }
                groupLength = 0
                colons += 1
            } else { break }
            j += 1
        }
        if groupLength > 0 { groups += 1 }
        if j < u.count, (u[j] >= 103 && u[j] <= 122) || (u[j] >= 71 && u[j] <= 90) { return nil }
        guard digits > 0, colons >= 2, (doubleColon && groups >= 1 && colons <= 7) || (groups == 8 && colons == 7) else { return nil }
        if doubleColon && groups < 2 && colons < 3 {
            // "::1" is loopback; "a::b" words are rare; require two groups or "::" plus a digit group.
            if groups == 0 { return nil }
        }
        return j
    }

    /// A page or referrer URL reduced to what analysis needs: scheme, host,
    /// path (redacted), and only the `utm_*` campaign parameters, with click
    /// ids (gclid, fbclid, msclkid…) replaced by the source and medium they
    /// imply. Fragments and every other query parameter are dropped.
    public static func url(_ raw: String) -> String {
        printableASCIIURL(raw) ?? generalURL(raw)
    }

    /// `generalURL` on the bytes of a URL of printable ASCII (no space, no
    /// control), where a `Character` is a byte; nil for any other text.
    static func printableASCIIURL(_ raw: String) -> String? {
        PageURL.withPrintableASCII(raw) { u -> String? in
            let n = u.count
            func string(_ from: Int, _ to: Int) -> String { String(decoding: UnsafeBufferPointer(rebasing: u[from..<to]), as: UTF8.self) }
            var head = "", rest = 0
            if let (separator, hostEnd) = printableHead(u) {
                var authority = separator + 3
                for i in authority..<hostEnd where u[i] == UInt8(ascii: "@") { authority = i + 1 }  // user:password@
                head = text(string(0, separator)) + "://" + text(string(authority, hostEnd))
                rest = hostEnd
            }
            var cut = rest
            while cut < n, u[cut] != UInt8(ascii: "?"), u[cut] != UInt8(ascii: "#") { cut += 1 }
            let path = text(string(rest, cut).decodingPathPercentEscapes)
            guard cut < n, u[cut] == UInt8(ascii: "?") else { return head + path }
            return withCampaign(head + path, PageURL(raw))
        }
    }

    /// Where the scheme of a printable-ASCII URL ends ("://" starts) and its
    /// authority ends (the first `/`, `?` or `#` after it), when it starts with
    /// a scheme `printableASCIIURL` keeps; nil when it does not (the whole text
    /// is then a path). The redacted URL's host depends on these bytes only.
    static func printableHead(_ u: UnsafeBufferPointer<UInt8>) -> (separator: Int, hostEnd: Int)? {
        let separator = PageURL.schemeSeparator(in: u)
        guard separator > 0, (0..<separator).allSatisfy({ PageURL.isSchemeByte(u[$0], first: false) }) else { return nil }
        var hostEnd = separator + 3
        while hostEnd < u.count, u[hostEnd] != UInt8(ascii: "/"), u[hostEnd] != UInt8(ascii: "?"), u[hostEnd] != UInt8(ascii: "#") { hostEnd += 1 }
        return (separator, hostEnd)
    }

    /// The reference, on `Character`s: any text.
    public static func generalURL(_ raw: String) -> String {
        let trimmed = raw.trimmingWhitespace
        var rest = Substring(trimmed)
        var head = ""
        // Only a real scheme ("https") counts; otherwise the whole text is a path and redacted as text.
        if let scheme = PageURL.schemeSeparator(in: rest), !rest[..<scheme.lowerBound].isEmpty,
           rest[..<scheme.lowerBound].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == ".") }) {
            let hostEnd = rest[scheme.upperBound...].firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
            var authority = String(rest[scheme.upperBound..<hostEnd])
            if let at = authority.lastIndex(of: "@") { authority = String(authority[authority.index(after: at)...]) }  // user:password@
            // The scheme too: letters and digits pass for one, and a long digit run is still a number.
            head = text(String(rest[..<scheme.lowerBound])) + "://" + text(authority)
            rest = rest[hostEnd...]
        }
        let cut = rest.firstIndex(where: { $0 == "?" || $0 == "#" }) ?? rest.endIndex
        let hasQuery = rest[cut...].first == "?"
        let path = text(String(rest[..<cut]).decodingPathPercentEscapes)
        guard hasQuery else { return head + path }
        return withCampaign(head + path, PageURL(trimmed))
    }

    /// `url` followed by the campaign parameters of `parsed`, if any.
    private static func withCampaign(_ url: String, _ parsed: PageURL) -> String {
        var params: [String] = []
        if let s = parsed.utmSource { params.append("utm_source=" + queryValue(s)) }
        if let m = parsed.utmMedium { params.append("utm_medium=" + queryValue(m)) }
        if let c = parsed.utmCampaign { params.append("utm_campaign=" + queryValue(c)) }
        return params.isEmpty ? url : url + "?" + params.joined(separator: "&")
    }

    private static func queryValue(_ v: String) -> String {
        // On bytes, so that a mark combining with "&" cannot hide it from the escaping.
        let t = text(v)
        guard t.utf8.contains(where: { $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: "#") || $0 == UInt8(ascii: " ") }) else { return t }
        var out: [UInt8] = []
        for c in t.utf8 {
            switch c {
            case UInt8(ascii: "&"): out += Array("%26".utf8)
            case UInt8(ascii: "#"): out += Array("%23".utf8)
            case UInt8(ascii: " "): out += Array("%20".utf8)
            default: out.append(c)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension RawEvent {
    /// Redacts every free-text field in place, remembering answers in `cache`.
    public mutating func redactPersonalData(cache: inout RedactionCache) {
        if let u = url { url = cache.url(u) }
        if let r = referrer { referrer = cache.url(r) }
        if let t = title { title = cache.text(t) }
        redactShortFields()
    }

    /// Redacts every free-text field in place (see `Redactor`): run by the
    /// reader on each record, before anything else sees it.
    public mutating func redactPersonalData() {
        if let u = url { url = Redactor.url(u) }
        if let r = referrer { referrer = Redactor.url(r) }
        if let t = title { title = Redactor.text(t) }
        redactShortFields()
    }

    /// Every free-text field but the URLs and the title (which are cached).
    mutating func redactShortFields() {
        if let e = event, EventKind(name: e) == .other { event = Redactor.text(e) }
        if let s = searchTerm { searchTerm = Redactor.text(s) }
        if let c = campaign { campaign = Redactor.text(c) }
        if let s = source { source = Redactor.text(s) }
        if let m = medium { medium = Redactor.text(m) }
        if let c = city { city = Redactor.text(c) }
        if let r = region { region = Redactor.text(r) }
        if let c = country { country = Redactor.text(c) }
        if let g = gender { gender = Redactor.text(g) }
        if let a = ageBand { ageBand = Redactor.text(a) }
    }
}
