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

    private static func mentions(_ text: String, _ names: [String]) -> Bool {
        guard !text.isEmpty else { return false }
        return names.contains { text.contains($0) }
    }

    /// Groups a session's `source`, `medium` and referrer host (all lower case).
    /// `internalHosts` are the site's own hosts: a referrer among them is navigation, not a channel.
    public static func group(source: String, medium: String, referrerHost: String, internalHosts: Set<String>) -> Channel {
        let referrer = internalHosts.contains(referrerHost) ? "" : referrerHost
        let paidMedia: Set<String> = ["cpc", "ppc", "paid", "paidsearch", "paid_search", "paid-search", "sem", "cpm", "paid_social", "paidsocial", "paid-social", "display", "cpv", "retargeting"]
        if paidMedia.contains(medium) || medium.hasPrefix("paid") {
            if mentions(source, socialNetworks) || medium.contains("social") { return .social }
            return .paidSearch
        }
        if medium == "email" || medium == "e-mail" || medium == "newsletter" || mentions(source, ["newsletter", "mailchimp", "brevo", "sendinblue", "mailjet"]) { return .email }
        if mentions(source, medicalDirectories) || mentions(referrer, medicalDirectories) { return .medicalDirectory }
        if medium == "social" || medium == "social-network" || medium == "social_network" || medium == "sm"
            || mentions(source, socialNetworks) || mentions(referrer, socialNetworks) { return .social }
        if medium == "organic" || mentions(source, searchEngines) || mentions(referrer, searchEngines) { return .organicSearch }
        if medium == "referral" || !referrer.isEmpty { return .referral }
        if source.isEmpty || source == "(direct)" || source == "direct" || medium == "(none)" || medium == "none" { return .direct }
        return .referral
    }
}
