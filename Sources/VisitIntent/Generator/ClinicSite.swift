/// The website of a fictional French aesthetic-medicine practice: about forty
/// pages, each with a path, a title, a page kind and a topic, matching the
/// bundled taxonomy (`datasets/clinic-taxonomy.yaml`).
public struct ClinicSite: Sendable {
    public struct Page: Sendable {
        public var path: String
        public var title: String
        public var kind: String
        public var topic: String
    }

    public static let host = "www.clinique-lumiere.fr"
    /// Procedure topics and how often a visitor is interested in each.
    public static let topics = ["hyaluronic-acid", "botulinum-toxin", "laser", "peeling", "mesotherapy", "thread-lift", "body-contouring"]
    public static let topicInterest: [Double] = [0.35, 0.24, 0.12, 0.08, 0.07, 0.06, 0.08]
    public static let kinds = ["home", "procedure", "pricing", "gallery", "faq", "blog", "team", "contact", "booking", "legal"]

    public let pages: [Page]
    /// Pages of each kind, and of each (kind, topic).
    let byKind: [String: [Int]]
    let byKindTopic: [String: [Int]]

    public init() {
        func p(_ path: String, _ title: String, _ kind: String, _ topic: String = "general") -> Page {
            Page(path: path, title: title + " | Clinique Lumière", kind: kind, topic: topic)
        }
        pages = [
            p("/", "Médecine esthétique à Lyon", "home"),
            p("/acide-hyaluronique", "Injections d'acide hyaluronique", "procedure", "hyaluronic-acid"),
            p("/acide-hyaluronique/levres", "Augmentation des lèvres", "procedure", "hyaluronic-acid"),
            p("/acide-hyaluronique/rides", "Comblement des rides", "procedure", "hyaluronic-acid"),
            p("/acide-hyaluronique/cernes", "Traitement des cernes", "procedure", "hyaluronic-acid"),
            p("/acide-hyaluronique/rhinoplastie-medicale", "Rhinoplastie médicale", "procedure", "hyaluronic-acid"),
            p("/toxine-botulique", "Toxine botulique", "procedure", "botulinum-toxin"),
            p("/toxine-botulique/rides-du-front", "Rides du front", "procedure", "botulinum-toxin"),
            p("/toxine-botulique/pattes-d-oie", "Pattes d'oie", "procedure", "botulinum-toxin"),
            p("/laser/epilation", "Épilation laser", "procedure", "laser"),
            p("/laser/detatouage", "Détatouage laser", "procedure", "laser"),
            p("/peeling", "Peeling chimique", "procedure", "peeling"),
            p("/mesotherapie", "Mésothérapie", "procedure", "mesotherapy"),
            p("/fils-tenseurs", "Fils tenseurs", "procedure", "thread-lift"),
            p("/cryolipolyse", "Cryolipolyse", "procedure", "body-contouring"),
            p("/tarifs", "Nos tarifs", "pricing"),
            p("/tarifs/acide-hyaluronique", "Tarifs acide hyaluronique", "pricing", "hyaluronic-acid"),
            p("/tarifs/toxine-botulique", "Tarifs toxine botulique", "pricing", "botulinum-toxin"),
            p("/tarifs/laser", "Tarifs laser", "pricing", "laser"),
            p("/avant-apres", "Avant / après", "gallery"),
            p("/avant-apres/levres", "Avant / après lèvres", "gallery", "hyaluronic-acid"),
            p("/avant-apres/rides", "Avant / après rides", "gallery", "botulinum-toxin"),
            p("/avant-apres/silhouette", "Avant / après silhouette", "gallery", "body-contouring"),
            p("/faq", "Questions fréquentes", "faq"),
            p("/faq/effets-secondaires", "Effets secondaires", "faq", "hyaluronic-acid"),
            p("/faq/douleur", "Est-ce douloureux ?", "faq", "botulinum-toxin"),
            p("/faq/duree-des-resultats", "Durée des résultats", "faq", "hyaluronic-acid"),
            p("/blog", "Le blog", "blog"),
            p("/blog/acide-hyaluronique-idees-recues", "Acide hyaluronique : idées reçues", "blog", "hyaluronic-acid"),
            p("/blog/botox-ou-acide-hyaluronique", "Botox ou acide hyaluronique ?", "blog", "botulinum-toxin"),
            p("/blog/preparer-sa-peau-pour-l-ete", "Préparer sa peau pour l'été", "blog", "peeling"),
            p("/blog/laser-et-soleil", "Laser et soleil", "blog", "laser"),
            p("/blog/rides-du-lion", "Les rides du lion", "blog", "botulinum-toxin"),
            p("/blog/cryolipolyse-ce-qu-il-faut-savoir", "Cryolipolyse : ce qu'il faut savoir", "blog", "body-contouring"),
            p("/equipe", "L'équipe", "team"),
            p("/equipe/dr-martin", "Dr Claire Martin", "team"),
            p("/equipe/dr-benali", "Dr Karim Benali", "team"),
            p("/contact", "Contact", "contact"),
            p("/acces-et-parking", "Accès et parking", "contact"),
            p("/prendre-rendez-vous", "Prendre rendez-vous", "booking"),
            p("/prendre-rendez-vous/confirmation", "Rendez-vous confirmé", "booking"),
            p("/apres-votre-soin", "Après votre soin", "faq", "aftercare"),
            p("/mentions-legales", "Mentions légales", "legal"),
            p("/politique-de-confidentialite", "Politique de confidentialité", "legal"),
        ]
        var byKind: [String: [Int]] = [:]
        var byKindTopic: [String: [Int]] = [:]
        for (i, page) in pages.enumerated() where page.path != "/prendre-rendez-vous/confirmation" {
            byKind[page.kind, default: []].append(i)
            byKindTopic["\(page.kind)|\(page.topic)", default: []].append(i)
        }
        self.byKind = byKind
        self.byKindTopic = byKindTopic
    }

    /// A page of `kind`, on `topic` with probability `focus` when the site has one.
    func page(kind: String, topic: String, focus: Double, rng: inout SeededGenerator) -> Int {
        if let onTopic = byKindTopic["\(kind)|\(topic)"], rng.bernoulli(focus) {
            return onTopic[Int(rng.next() % UInt64(onTopic.count))]
        }
        let all = byKind[kind]!
        return all[Int(rng.next() % UInt64(all.count))]
    }

    public var confirmationPage: Int { pages.firstIndex { $0.path == "/prendre-rendez-vous/confirmation" }! }
}
