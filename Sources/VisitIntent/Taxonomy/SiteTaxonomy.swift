import Foundation

/// Maps URL paths to a content topic and a page kind, so that features speak
/// of "pricing pages" and "hyaluronic acid", not of one site's URLs.
///
/// Rules are tried in order and the first match wins; a path no rule matches
/// gets the fallback. Loaded from YAML:
///
/// ```yaml
/// version: 1
/// strip_prefixes: [/fr, /en]        # language prefixes removed before matching
/// fallback: {topic: general, kind: other}
/// rules:
///   - {match: "/", kind: home}
///   - {match: "/acide-hyaluronique", topic: hyaluronic-acid, kind: procedure}
///   - {match: "/acide-hyaluronique/**", topic: hyaluronic-acid, kind: procedure}
///   - {match: "/tarifs", kind: pricing}
///   - {regex: "^/blog/.*", kind: blog}
/// ```
///
/// Every key is checked, in rules and the fallback too: a misspelt one is an
/// error rather than a rule that quietly never classifies. A prefix may be
/// given alone and with or without its slashes (`de`, `/en/`).
public struct SiteTaxonomy: Sendable {
    public struct Rule: Sendable {
        public var pattern: PathPattern
        public var topic: String?
        public var kind: String?
    }

    public var rules: [Rule]
    public var fallbackTopic: String
    public var fallbackKind: String
    public var stripPrefixes: [String]
    /// The site's own hosts (`site:` in the file), so its referrers count as internal navigation.
    public var siteHosts: [String] = []
    /// Topics in column order: those the rules name, in first-seen order, then the fallback.
    public let topics: [String]
    /// Page kinds in column order: the standard kinds, then any the rules add.
    public let kinds: [String]

    public init(rules: [Rule], fallbackTopic: String = "general", fallbackKind: String = "other", stripPrefixes: [String] = []) {
        self.rules = rules
        self.fallbackTopic = fallbackTopic
        self.fallbackKind = fallbackKind
        self.stripPrefixes = stripPrefixes.map { $0.lowercased() }
        var topics: [String] = []
        for r in rules { if let t = r.topic, !topics.contains(t) { topics.append(t) } }
        if !topics.contains(fallbackTopic) { topics.append(fallbackTopic) }
        self.topics = topics
        var kinds = PageKind.standard
        for r in rules { if let k = r.kind, !kinds.contains(k) { kinds.append(k) } }
        if !kinds.contains(fallbackKind) { kinds.append(fallbackKind) }
        self.kinds = kinds
    }

    /// `(topic, kind)` of a normalised path.
    public func classify(_ path: String) -> (topic: String, kind: String) {
        var p = path
        for prefix in stripPrefixes where p == prefix || p.hasPrefix(prefix + "/") {
            p = String(p.dropFirst(prefix.count))
            if p.isEmpty { p = "/" }
            break
        }
        for r in rules where r.pattern.matches(p) {
            return (r.topic ?? fallbackTopic, r.kind ?? fallbackKind)
        }
        return (fallbackTopic, fallbackKind)
    }

    /// Column indices of `classify(path)` in `topics` and `kinds`.
    public func classifyIndices(_ path: String) -> (topic: Int, kind: Int) {
        let (t, k) = classify(path)
        return (topics.firstIndex(of: t)!, kinds.firstIndex(of: k)!)
    }

    /// Errors in a taxonomy file, with the rule's position.
    public struct Failure: Error, CustomStringConvertible {
        public var file: String
        public var detail: String
        public var description: String { "\(file): \(detail)" }
        public init(file: String, detail: String) { self.file = file; self.detail = detail }
    }

    public static func load(path: String) throws -> SiteTaxonomy {
        do { return try parse(yaml: YAMLDocument.text(path: path, what: "the taxonomy file"), file: path) } catch let f as YAMLDocument.Failure {
            throw Failure(file: path, detail: f.detail)
        }
    }

    /// A topic or kind name as a column name can hold it: one non-empty value, no ':' or ','.
    static func isPlainName(_ v: Any) -> Bool {
        if v is [Any] || v is [String: Any] || v is NSNull { return false }
        let s = "\(v)"
        return !s.isEmpty && !s.contains(":") && !s.contains(",")
    }

    public static func parse(yaml: String, file: String = "<taxonomy>") throws -> SiteTaxonomy {
        let root: Any?
        do { root = try YAMLDocument.load(yaml) } catch let f as YAMLDocument.Failure { throw Failure(file: file, detail: f.detail) }
        guard let map = root as? [String: Any] else { throw Failure(file: file, detail: "the top level must be a mapping with 'rules'") }
        if let v = map["version"] as? Int, v != 1 { throw Failure(file: file, detail: "taxonomy version \(v) is not supported (this tool reads version 1)") }
        let known: Set<String> = ["version", "rules", "fallback", "strip_prefixes", "site"]
        if let unknown = map.keys.sorted().first(where: { !known.contains($0) }) {
            throw Failure(file: file, detail: "unknown key '\(unknown)' (expected one of \(known.sorted().joined(separator: ", ")))")
        }
        guard let list = map["rules"] as? [Any] else { throw Failure(file: file, detail: "'rules' must be a list") }
        var rules: [Rule] = []
        for (i, item) in list.enumerated() {
            guard let r = item as? [String: Any] else { throw Failure(file: file, detail: "rule \(i + 1) must be a mapping") }
            // A misspelt key ('topc') would otherwise leave its pages unclassified without a word.
            if let unknown = r.keys.sorted().first(where: { !["match", "regex", "topic", "kind"].contains($0) }) {
                throw Failure(file: file, detail: "rule \(i + 1): unknown key '\(unknown)' (expected match or regex, and topic and/or kind)")
            }
            if r["match"] != nil && r["regex"] != nil { throw Failure(file: file, detail: "rule \(i + 1): give 'match' or 'regex', not both") }
            func scalar(_ key: String) throws -> String? {
                guard let v = r[key] else { return nil }
                if v is [Any] || v is [String: Any] || v is NSNull { throw Failure(file: file, detail: "rule \(i + 1): '\(key)' must be a single name") }
                guard isPlainName(v) else { throw Failure(file: file, detail: "rule \(i + 1): '\(key)' must be a plain name without ':' or ','") }
                return "\(v)"
            }
            let topic = try scalar("topic")
            let kind = try scalar("kind")
            if topic == nil && kind == nil { throw Failure(file: file, detail: "rule \(i + 1) names neither a topic nor a kind") }
            let pattern: PathPattern
            if let g = r["match"] as? String {
                guard g.hasPrefix("/") else { throw Failure(file: file, detail: "rule \(i + 1): 'match' must start with '/' (got \(g))") }
                pattern = PathPattern(glob: g)
            } else if let x = r["regex"] as? String {
                do { pattern = try PathPattern(regex: x) } catch {
                    throw Failure(file: file, detail: "rule \(i + 1): '\(x)' is not a valid regular expression (ICU syntax)")
                }
            } else {
                throw Failure(file: file, detail: "rule \(i + 1) needs 'match' (a glob) or 'regex'")
            }
            rules.append(Rule(pattern: pattern, topic: topic, kind: kind))
        }
        // The fallback, checked as a rule's names are: a scalar or a misspelt key was ignored before.
        var fallback: [String: Any] = [:]
        if let value = map["fallback"] {
            guard let f = value as? [String: Any] else { throw Failure(file: file, detail: "'fallback' must be a mapping, such as {topic: general, kind: other}") }
            if let unknown = f.keys.sorted().first(where: { !["topic", "kind"].contains($0) }) {
                throw Failure(file: file, detail: "fallback: unknown key '\(unknown)' (expected topic and/or kind)")
            }
            for (key, v) in f where !isPlainName(v) {
                throw Failure(file: file, detail: "fallback: '\(key)' must be a plain name without ':' or ','")
            }
            fallback = f
        }
        // Language prefixes: one may be given alone, and "de" or "/en/" mean "/de" and "/en" (as
        // written they matched nothing, and every page under them fell to the fallback).
        let prefixValues: [Any] = map["strip_prefixes"].map { $0 as? [Any] ?? [$0] } ?? []
        let prefixes = try prefixValues.map { value -> String in
            var p = "\(value)".trimmingWhitespace
            if value is [String: Any] || value is NSNull || p.isEmpty || p.contains(" ") || p == "/" {
                throw Failure(file: file, detail: "strip_prefixes: '\(p)' is not a path prefix such as /fr")
            }
            if !p.hasPrefix("/") { p = "/" + p }
            while p.count > 1 && p.hasSuffix("/") { p.removeLast() }
            return p
        }
        let site = (map["site"] as? [Any])?.map { "\($0)" } ?? (map["site"].map { ["\($0)"] } ?? [])
        var taxonomy = SiteTaxonomy(rules: rules, fallbackTopic: fallback["topic"].map { "\($0)" } ?? "general",
                                    fallbackKind: fallback["kind"].map { "\($0)" } ?? "other", stripPrefixes: prefixes)
        taxonomy.siteHosts = site.map { PageURL("https://" + $0.replacingAll("https://", with: "").replacingAll("http://", with: "")).host }
        return taxonomy
    }

    /// A taxonomy that knows only common URL words in French and English, for
    /// sites without a taxonomy file: better than nothing, worse than a real one.
    public static let generic: SiteTaxonomy = try! parse(yaml: genericYAML, file: "<generic taxonomy>")

    public static let genericYAML = """
        version: 1
        fallback: {topic: general, kind: other}
        rules:
          - {match: "/", kind: home}
          - {regex: "^(/[a-z]{2})?/(index|accueil|home)(\\\\.[a-z]+)?$", kind: home}
          - {regex: "^(/[a-z]{2})?/(blog|actualites|news|articles?|magazine)(/.*)?$", kind: blog}
          - {regex: "(.*[/_.-])?(prendre-rendez-vous|rendez-vous|rdv|booking|book|appointment|reservation|reserver)([/_.-].*)?", kind: booking}
          - {regex: "(.*[/_.-])?(tarifs?|prix|price|prices|pricing|cost|cout|couts)([/_.-].*)?", kind: pricing}
          - {regex: "(.*[/_.-])?(avant-apres|before-after|galerie|gallery|resultats|results)([/_.-].*)?", kind: gallery}
          - {regex: "(.*[/_.-])?(faq|questions)([/_.-].*)?", kind: faq}
          - {regex: "(.*[/_.-])?(equipe|team|docteur|doctor|dr|praticiens?|about|a-propos|qui-sommes-nous)([/_.-].*)?", kind: team}
          - {regex: "(.*[/_.-])?(contact|contactez-nous|acces|access|plan-d-acces)([/_.-].*)?", kind: contact}
          - {regex: "(.*[/_.-])?(mentions-legales|legal|privacy|confidentialite|cgu|cookies)([/_.-].*)?", kind: legal}
          - {regex: "^(/[a-z]{2})?/(soins|traitements|treatments|procedures|interventions|chirurgie|medecine-esthetique)(/.*)?$", kind: procedure}
        """
}
