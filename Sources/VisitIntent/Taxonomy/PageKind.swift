/// The page kinds every taxonomy knows, in feature-column order. A taxonomy
/// may add its own after these.
public enum PageKind {
    public static let standard = ["home", "procedure", "pricing", "gallery", "faq", "blog", "team", "contact", "booking", "legal", "other"]
}
