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
        while PageURL.hasDoubleSlash(p) { p = p.replacingAll("//", with: "/") }
        if p.count > 1, p.hasSuffix("/") { p.removeLast() }
        path = p
        for pair in query.split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1)
            guard let k = kv.first?.lowercased() else { continue }
            let v = kv.count > 1 ? String(kv[1]).removingPercentEncodingLoosely.lowercased() : ""
            switch k {
            case "utm_source": utmSource = v
            case "utm_medium": utmMedium = v
            case "utm_campaign": utmCampaign = v
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
        guard contains("%") else { return self }
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
        guard contains("%") || contains("+") else { return self }
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
