/// The taxonomy of the generated clinic site, written beside every generated
/// data set and shipped as `datasets/clinic-taxonomy.yaml`.
public enum ClinicTaxonomy {
    public static let yaml = """
    # Site taxonomy for the bundled clinic (www.clinique-lumiere.fr).
    # Rules are tried in order; the first match wins. `*` matches within one
    # path segment, `**` across segments; `regex:` takes a regular expression.
    version: 1
    strip_prefixes: [/fr, /en]
    fallback: {topic: general, kind: other}
    rules:
      - {match: "/", kind: home}
      - {match: "/prendre-rendez-vous/**", kind: booking}
      - {match: "/prendre-rendez-vous", kind: booking}
      - {match: "/tarifs/acide-hyaluronique", topic: hyaluronic-acid, kind: pricing}
      - {match: "/tarifs/toxine-botulique", topic: botulinum-toxin, kind: pricing}
      - {match: "/tarifs/laser", topic: laser, kind: pricing}
      - {match: "/tarifs/**", kind: pricing}
      - {match: "/tarifs", kind: pricing}
      - {match: "/avant-apres/levres", topic: hyaluronic-acid, kind: gallery}
      - {match: "/avant-apres/rides", topic: botulinum-toxin, kind: gallery}
      - {match: "/avant-apres/silhouette", topic: body-contouring, kind: gallery}
      - {match: "/avant-apres/**", kind: gallery}
      - {match: "/avant-apres", kind: gallery}
      - {match: "/faq/effets-secondaires", topic: hyaluronic-acid, kind: faq}
      - {match: "/faq/duree-des-resultats", topic: hyaluronic-acid, kind: faq}
      - {match: "/faq/douleur", topic: botulinum-toxin, kind: faq}
      - {match: "/faq/**", kind: faq}
      - {match: "/faq", kind: faq}
      - {match: "/apres-votre-soin", topic: aftercare, kind: faq}
      - {match: "/acide-hyaluronique/**", topic: hyaluronic-acid, kind: procedure}
      - {match: "/acide-hyaluronique", topic: hyaluronic-acid, kind: procedure}
      - {match: "/toxine-botulique/**", topic: botulinum-toxin, kind: procedure}
      - {match: "/toxine-botulique", topic: botulinum-toxin, kind: procedure}
      - {match: "/laser/**", topic: laser, kind: procedure}
      - {match: "/peeling*", topic: peeling, kind: procedure}
      - {match: "/mesotherapie*", topic: mesotherapy, kind: procedure}
      - {match: "/fils-tenseurs*", topic: thread-lift, kind: procedure}
      - {match: "/cryolipolyse*", topic: body-contouring, kind: procedure}
      - {match: "/blog/*botox*", topic: botulinum-toxin, kind: blog}
      - {match: "/blog/*acide-hyaluronique*", topic: hyaluronic-acid, kind: blog}
      - {match: "/blog/*rides*", topic: botulinum-toxin, kind: blog}
      - {match: "/blog/*laser*", topic: laser, kind: blog}
      - {match: "/blog/*peau*", topic: peeling, kind: blog}
      - {match: "/blog/*cryolipolyse*", topic: body-contouring, kind: blog}
      - {match: "/blog/**", kind: blog}
      - {match: "/blog", kind: blog}
      - {match: "/equipe/**", kind: team}
      - {match: "/equipe", kind: team}
      - {match: "/contact", kind: contact}
      - {match: "/acces-et-parking", kind: contact}
      - {match: "/mentions-legales", kind: legal}
      - {match: "/politique-de-confidentialite", kind: legal}

    """
}
