/// VisitIntent: learns why people visit a medical practice's website.
public enum VisitIntentInfo {
    public static let version = "0.1.0"
}
