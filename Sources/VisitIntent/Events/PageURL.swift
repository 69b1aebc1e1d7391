import Foundation

/// The parts of a page or referrer URL that features use, normalised so that
/// `https://www.Clinique.fr/Tarifs/?x=1#a` and `/tarifs` are the same page.
public struct PageURL: Equatable, Sendable {
    /// Lower-cased host without a leading `www.`; empty for a bare path.
    public var host: String
    /// Lower-cased path, no query or fragment, no trailing slash (except `/`).
    public var path: String
    /// Campaign parameters found in the query (`utm_source`, `utm_medium`,
    /// `utm_campaign`), and the channel implied by a click id.
    public var utmSource: String?
    public var utmMedium: String?
    public var utmCampaign: String?

    public init(_ text: String) {
        if let parsed = PageURL.printableASCII(text) { self = parsed; return }
        self.init(general: text)
    }

    /// The reference parse, on `Character`s: any text. `init(_:)` takes
    /// the byte path (`printableASCII`) for the URLs nearly all analytics
    /// exports hold, and the tests check the two agree.
    public init(general text: String) {
        var rest = Substring(text.trimmingWhitespace)
        host = ""
        if let scheme = PageURL.schemeSeparator(in: rest), PageURL.isScheme(rest[..<scheme.lowerBound]) {
            rest = rest[scheme.upperBound...]
            let hostEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
            var h = rest[..<hostEnd].lowercased()
            if let at = h.lastIndex(of: "@") { h = String(h[h.index(after: at)...]) }  // drop user info
            if let colon = h.lastIndex(of: ":"), !h.contains("]") { h = String(h[..<colon]) }
            if h.hasPrefix("www.") { h.removeFirst(4) }
            host = h
            rest = rest[hostEnd...]
        } else if rest.hasPrefix("//") {
            rest = rest.dropFirst(2)
            let hostEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
            host = rest[..<hostEnd].lowercased()
            if host.hasPrefix("www.") { host.removeFirst(4) }
            rest = rest[hostEnd...]
        }
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        var query: Substring = ""
        if let q = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: q)...]
            rest = rest[..<q]
        }
        var p = String(rest).decodingPathPercentEscapes.lowercased()
        if p.isEmpty || p.first != "/" { p = "/" + p }
        // On bytes: "/" followed by a combining mark is one `Character`, which a search for "//" never matches (fuzzing found the loop that never ended).
        if PageURL.hasDoubleSlash(p) { p = PageURL.collapsingSlashes(p) }
        if p.count > 1, p.hasSuffix("/") { p.removeLast() }
        path = p
        for pair in query.split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1)
            guard let k = kv.first?.lowercased() else { continue }
            apply(key: k, rawValue: kv.count > 1 ? String(kv[1]) : "")
        }
    }

    /// `init(general:)` on the bytes of a URL made only of printable ASCII
    /// (no space, no control, no `%` in the path): there a `Character` is a
    /// byte, so lower-casing and searching bytes give the same parse. Nil
    /// for any other text. Each click id (`gclid`…) makes a distinct URL, so
    /// a real export parses tens of thousands of them.
    static func printableASCII(_ text: String) -> PageURL? {
        PageURL.withPrintableASCII(text) { u -> PageURL? in
            let n = u.count
            @inline(__always) func find(from: Int, to: Int, _ match: (UInt8) -> Bool) -> Int {
                var i = from
                while i < to, !match(u[i]) { i += 1 }
                return i
            }
            @inline(__always) func isBoundary(_ c: UInt8) -> Bool { c == UInt8(ascii: "/") || c == UInt8(ascii: "?") || c == UInt8(ascii: "#") }
            func lowered(_ from: Int, _ to: Int) -> [UInt8] {
                var out = [UInt8](); out.reserveCapacity(to - from)
                for i in from..<to { let c = u[i]; out.append(c >= 65 && c <= 90 ? c | 0x20 : c) }
                return out
            }
            func droppingWWW(_ h: [UInt8]) -> String {
                if h.count >= 4, h[0] == UInt8(ascii: "w"), h[1] == UInt8(ascii: "w"), h[2] == UInt8(ascii: "w"), h[3] == UInt8(ascii: ".") {
                    return String(decoding: h[4...], as: UTF8.self)
                }
                return String(decoding: h, as: UTF8.self)
            }
            var rest = 0
            var host = ""
            let separator = PageURL.schemeSeparator(in: u)
            if separator > 0, isSchemeByte(u[0], first: true), (1..<separator).allSatisfy({ isSchemeByte(u[$0], first: false) }) {
                rest = separator + 3
                let hostEnd = find(from: rest, to: n, isBoundary)
                var h = lowered(rest, hostEnd)
                if let at = h.lastIndex(of: UInt8(ascii: "@")) { h.removeSubrange(...at) }
                if let colon = h.lastIndex(of: UInt8(ascii: ":")), !h.contains(UInt8(ascii: "]")) { h.removeSubrange(colon...) }
                host = droppingWWW(h)
                rest = hostEnd
            } else if n >= 2, u[0] == UInt8(ascii: "/"), u[1] == UInt8(ascii: "/") {
                let hostEnd = find(from: 2, to: n, isBoundary)
                host = droppingWWW(lowered(2, hostEnd))
                rest = hostEnd
            }
            let end = find(from: rest, to: n) { $0 == UInt8(ascii: "#") }
            let q = find(from: rest, to: end) { $0 == UInt8(ascii: "?") }
            // Percent escapes may decode to non-ASCII, which lower-cases by Unicode rules.
            if find(from: rest, to: q, { $0 == UInt8(ascii: "%") }) != q { return nil }
            var p: [UInt8] = [UInt8(ascii: "/")]
            p.reserveCapacity(q - rest + 1)
            for c in lowered(rest, q) where !(c == UInt8(ascii: "/") && p.last == UInt8(ascii: "/")) { p.append(c) }
            if p.count > 1, p.last == UInt8(ascii: "/") { p.removeLast() }
            var parsed = PageURL(host: host, path: String(decoding: p, as: UTF8.self))
            // `split` semantics: empty pairs are skipped, and so are leading "=" of a pair.
            var start = q + 1
            while start < end {
                let pairEnd = find(from: start, to: end) { $0 == UInt8(ascii: "&") }
                let k = find(from: start, to: pairEnd) { $0 != UInt8(ascii: "=") }
                if k < pairEnd {
                    let e = find(from: k, to: pairEnd) { $0 == UInt8(ascii: "=") }
                    let value = e + 1 < pairEnd ? String(decoding: UnsafeBufferPointer(rebasing: u[(e + 1)..<pairEnd]), as: UTF8.self) : ""
                    parsed.apply(key: String(decoding: lowered(k, e), as: UTF8.self), rawValue: value)
                }
                start = pairEnd + 1
            }
            return parsed
        }
    }

    /// `body` on the UTF-8 bytes of `text` when they are all printable ASCII
    /// (no space, no control) and there is at least one; else nil.
    static func withPrintableASCII<T>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> T?) -> T? {
        var text = text
        return text.withUTF8 { u -> T? in
            guard !u.isEmpty else { return nil }
            for c in u where c <= 0x20 || c >= 0x7F { return nil }
            return body(u)
        }
    }

    /// Index of the first "://" in `u`, or -1.
    static func schemeSeparator(in u: UnsafeBufferPointer<UInt8>) -> Int {
        var i = 0
        while i + 2 < u.count {
            if u[i] == UInt8(ascii: ":") && u[i + 1] == UInt8(ascii: "/") && u[i + 2] == UInt8(ascii: "/") { return i }
            i += 1
        }
        return -1
    }

    private init(host: String, path: String) {
        self.host = host
        self.path = path
    }

    @inline(__always) static func isSchemeByte(_ c: UInt8, first: Bool) -> Bool {
        let letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122)
        return first ? letter : letter || (c >= 48 && c <= 57) || c == UInt8(ascii: "+") || c == UInt8(ascii: "-") || c == UInt8(ascii: ".")
    }

    /// One query parameter: a campaign field, or the channel a click id implies.
    private mutating func apply(key k: String, rawValue: String) {
        func v() -> String { rawValue.removingPercentEncodingLoosely.lowercased() }
        switch k {
        case "utm_source": utmSource = v()
        case "utm_medium": utmMedium = v()
        case "utm_campaign": utmCampaign = v()
        case "gclid", "gbraid", "wbraid", "dclid":
            if utmSource == nil { utmSource = "google" }
            if utmMedium == nil { utmMedium = "cpc" }
        case "msclkid":
            if utmSource == nil { utmSource = "bing" }
            if utmMedium == nil { utmMedium = "cpc" }
        case "fbclid":
            if utmSource == nil { utmSource = "facebook" }
            if utmMedium == nil { utmMedium = "social" }
        default: break
        }
    }

    /// The first "://", found on the UTF-8 bytes (Foundation's `range(of:)`
    /// was a tenth of a scoring request).
    static func schemeSeparator(in s: Substring) -> Range<Substring.Index>? {
        let u = s.utf8
        var i = u.startIndex
        while i != u.endIndex {
            if u[i] == UInt8(ascii: ":") {
                let a = u.index(after: i)
                if a != u.endIndex, u[a] == UInt8(ascii: "/") {
                    let b = u.index(after: a)
                    if b != u.endIndex, u[b] == UInt8(ascii: "/") { return i..<u.index(after: b) }
                }
            }
            i = u.index(after: i)
        }
        return nil
    }

    static func hasDoubleSlash(_ s: String) -> Bool {
        var previousSlash = false
        for c in s.utf8 {
            let slash = c == UInt8(ascii: "/")
            if slash && previousSlash { return true }
            previousSlash = slash
        }
        return false
    }

    /// `s` with each run of "/" made one.
    static func collapsingSlashes(_ s: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count)
        for c in s.utf8 where !(c == UInt8(ascii: "/") && out.last == UInt8(ascii: "/")) { out.append(c) }
        return String(decoding: out, as: UTF8.self)
    }

    /// `scheme` of `scheme://`: a letter, then letters, digits, `+`, `-` or `.`.
    static func isScheme(_ s: Substring) -> Bool {
        guard let first = s.first, first.isASCII, first.isLetter else { return false }
        return s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == ".") }
    }

    /// The path's segments, e.g. `["blog", "rides-du-lion"]`.
    public var segments: [Substring] { path.split(separator: "/") }
}

extension String {
    var trimmingWhitespace: String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }

    func replacingAll(_ target: String, with replacement: String) -> String {
        // No match is possible without the target's first (ASCII) byte: skip Foundation's search.
        if let first = target.utf8.first, first < 0x80, !utf8.contains(first) { return self }
        var result = ""
        var rest = Substring(self)
        while let r = rest.range(of: target) {
            result += rest[..<r.lowerBound]
            result += replacement
            rest = rest[r.upperBound...]
        }
        return result + rest
    }

    /// Percent-decoding of a URL path (`+` stays `+`); invalid UTF-8 results keep the original.
    var decodingPathPercentEscapes: String {
        guard utf8.contains(UInt8(ascii: "%")) else { return self }
        let b = Array(utf8)
        var out: [UInt8] = []
        var i = 0
        func hex(_ c: UInt8) -> UInt8? {
            switch c { case 48...57: c - 48; case 65...70: c - 55; case 97...102: c - 87; default: nil }
        }
        while i < b.count {
            if b[i] == UInt8(ascii: "%"), i + 2 < b.count, let h = hex(b[i + 1]), let l = hex(b[i + 2]), (h << 4 | l) != UInt8(ascii: "/") {
                out.append(h << 4 | l); i += 3
            } else { out.append(b[i]); i += 1 }
        }
        // Invalid UTF-8 after decoding becomes U+FFFD rather than undoing every escape:
        // "%40" must still read as "@" for redaction when another escape is broken.
        return String(decoding: out, as: UTF8.self)
    }

    /// Percent-decoding that keeps malformed escapes as they are.
    var removingPercentEncodingLoosely: String {
        // Most values (utm_source=google) have neither byte: answered on the bytes. Foundation's
        // `contains` (`CFStringFind`), asked first for every campaign value of every URL parsed,
        // was most of the cost of a URL seen once (each click id makes one). Its `Character`
        // answer still decides when a byte is there ("+" and a combining mark are one `Character`).
        guard utf8.contains(where: { $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "+") }), contains("%") || contains("+") else { return self }
        var out: [UInt8] = []
        let b = Array(utf8)
        var i = 0
        func hex(_ c: UInt8) -> UInt8? {
            switch c { case 48...57: c - 48; case 65...70: c - 55; case 97...102: c - 87; default: nil }
        }
        while i < b.count {
            if b[i] == UInt8(ascii: "%"), i + 2 < b.count, let h = hex(b[i + 1]), let l = hex(b[i + 2]) {
                out.append(h << 4 | l); i += 3
            } else if b[i] == UInt8(ascii: "+") {
                out.append(0x20); i += 1
            } else { out.append(b[i]); i += 1 }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
