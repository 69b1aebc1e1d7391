import Foundation

/// A URL path pattern: a glob (`*` any run of characters within one path
/// segment, `**` any run across segments, `?` one character) or, written as
/// `regex:`, an ICU regular expression. Matching is on the whole normalised
/// path (lower case, no query, no trailing slash).
public struct PathPattern: Sendable, CustomStringConvertible {
    public enum Kind: Sendable { case glob([UInt8]), regex(String) }
    public let kind: Kind
    private let compiled: NSRegularExpressionBox?

    public init(glob: String) {
        var p = glob.lowercased()
        if p.count > 1, p.hasSuffix("/") { p.removeLast() }
        kind = .glob(Array(p.utf8))
        compiled = nil
    }

    public init(regex: String) throws {
        kind = .regex(regex)
        compiled = NSRegularExpressionBox(try NSRegularExpression(pattern: regex, options: [.caseInsensitive]))
    }

    public var description: String {
        switch kind {
        case .glob(let g): String(decoding: g, as: UTF8.self)
        case .regex(let r): "regex:\(r)"
        }
    }

    public func matches(_ path: String) -> Bool {
        switch kind {
        case .glob(let g):
            return Array(path.utf8).withUnsafeBufferPointer { s in
                g.withUnsafeBufferPointer { p in PathPattern.glob(p, 0, s, 0) }
            }
        case .regex:
            let range = NSRange(path.startIndex..., in: path)
            return compiled!.value.firstMatch(in: path, options: [.anchored], range: range).map { $0.range == range } ?? false
        }
    }

    /// Backtracking glob match; patterns are short, paths are cached by the caller.
    private static func glob(_ p: UnsafeBufferPointer<UInt8>, _ pi: Int, _ s: UnsafeBufferPointer<UInt8>, _ si: Int) -> Bool {
        var pi = pi, si = si
        while pi < p.count {
            let c = p[pi]
            if c == UInt8(ascii: "*") {
                let crossesSlash = pi + 1 < p.count && p[pi + 1] == UInt8(ascii: "*")
                var next = pi + (crossesSlash ? 2 : 1)
                while next < p.count, p[next] == UInt8(ascii: "*") { next += 1 }
                if next == p.count {
                    if crossesSlash { return true }
                    return !s[si...].contains(UInt8(ascii: "/"))
                }
                var k = si
                while k <= s.count {
                    if glob(p, next, s, k) { return true }
                    if k == s.count || (!crossesSlash && s[k] == UInt8(ascii: "/")) { break }
                    k += 1
                }
                return false
            }
            guard si < s.count else { return false }
            if c == UInt8(ascii: "?") {
                if s[si] == UInt8(ascii: "/") { return false }
            } else if c != s[si] {
                return false
            }
            pi += 1
            si += 1
        }
        return si == s.count
    }
}

/// `NSRegularExpression` is immutable and thread-safe; this box says so to the compiler.
final class NSRegularExpressionBox: @unchecked Sendable {
    let value: NSRegularExpression
    init(_ value: NSRegularExpression) { self.value = value }
}
