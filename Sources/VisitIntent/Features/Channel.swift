/// The marketing channel a session came through, grouped the way analytics
/// tools group them, with medical directories (Doctolib, Doctoralia…) as a
/// channel of their own because for a practice they are one.
public enum Channel: String, CaseIterable, Sendable, Codable {
    case organicSearch = "organic_search"
    case paidSearch = "paid_search"
    case social
    case medicalDirectory = "medical_directory"
    case email
    case referral
    case direct

    static let searchEngines = ["google", "bing", "yahoo", "duckduckgo", "qwant", "ecosia", "baidu", "yandex", "startpage", "search.brave", "lilo", "naver", "seznam", "aol", "ask"]
    static let socialNetworks = ["facebook", "instagram", "tiktok", "linkedin", "pinterest", "youtube", "twitter", "t.co", "x.com", "snapchat", "reddit", "threads", "whatsapp", "messenger", "fb.com", "lnkd.in", "bsky", "mastodon"]
    static let medicalDirectories = ["doctolib", "doctoralia", "jameda", "zocdoc", "healthgrades", "vitals", "webmd", "topdoctors", "top-doctors", "mondocteur", "keldoc", "maiia", "docplanner", "znanylekarz", "miodottore", "realself", "ratemds", "practo", "annuaire.sante", "sante.fr", "ameli", "pagesjaunes", "docteurclic", "rdvmedicaux", "consultation-esthetique", "medecin-direct"]

    static let searchEngineLabels = searchEngines.map { $0.split(separator: ".") }
    static let socialNetworkLabels = socialNetworks.map { $0.split(separator: ".") }
    static let medicalDirectoryLabels = medicalDirectories.map { $0.split(separator: ".") }
    static let emailToolLabels = ["newsletter", "mailchimp", "brevo", "sendinblue", "mailjet"].map { $0.split(separator: ".") }

    /// Whether a name's dot-separated labels occur as a contiguous run of the
    /// text's labels: "google" matches "google.fr" and "www.google.com", "t.co"
    /// matches "t.co" but not "microsoft.com", "ameli" not "amelie-beaute.fr".
    /// Names come cut into labels (the lists above, cut once, not per session).
    static func mentions(_ text: String, _ names: [[Substring]]) -> Bool {
        guard !text.isEmpty else { return false }
        let labels = text.split(whereSeparator: { $0 == "." || $0 == "/" || $0 == " " })
        return names.contains { parts in
            guard parts.count <= labels.count else { return false }
            for start in 0...(labels.count - parts.count) where zip(labels[start...], parts).allSatisfy({ $0 == $1 }) { return true }
            return false
        }
    }

    /// Whether a host is a search engine, social network, medical directory or
    /// e-mail tool: never the site itself, however often it refers pages within a
    /// session (a duplicated landing event, or a visitor who searches again).
    static func isKnownExternal(host: String) -> Bool {
        mentions(host, searchEngineLabels) || mentions(host, socialNetworkLabels) || mentions(host, medicalDirectoryLabels)
            || mentions(host, emailToolLabels)
    }

    /// Groups a session's `source`, `medium` and referrer host (all lower case).
    /// `internalHosts` are the site's own hosts: a referrer among them is navigation, not a channel.
    static let paidMedia: Set<String> = ["cpc", "ppc", "paid", "paidsearch", "paid_search", "paid-search", "sem", "paid_social", "paidsocial", "paid-social"]

    public static func group(source: String, medium: String, referrerHost: String, internalHosts: Set<String>) -> Channel {
        let referrer = internalHosts.contains(referrerHost) ? "" : referrerHost
        let source = source == "(not set)" ? "" : source, medium = medium == "(not set)" ? "" : medium
        if paidMedia.contains(medium) || medium.hasPrefix("paid") {
            if mentions(source, socialNetworkLabels) || medium.contains("social") { return .social }
            return .paidSearch
        }
        if medium == "email" || medium == "e-mail" || medium == "newsletter" || mentions(source, emailToolLabels) { return .email }
        if mentions(source, medicalDirectoryLabels) || mentions(referrer, medicalDirectoryLabels) { return .medicalDirectory }
        if medium == "social" || medium == "social-network" || medium == "social_network" || medium == "sm"
            || mentions(source, socialNetworkLabels) || mentions(referrer, socialNetworkLabels) { return .social }
        if medium == "organic" || mentions(source, searchEngineLabels) || mentions(referrer, searchEngineLabels) { return .organicSearch }
        if medium == "referral" || !referrer.isEmpty { return .referral }
        if source.isEmpty || source == "(direct)" || source == "direct" || medium == "(none)" || medium == "none" { return .direct }
        return .referral
    }
}
