/// The device category of a visit, as analytics tools report it.
public enum Device: UInt8, CaseIterable, Sendable, Codable {
    case desktop, mobile, tablet, unknown

    public var name: String {
        switch self {
        case .desktop: "desktop"
        case .mobile: "mobile"
        case .tablet: "tablet"
        case .unknown: "unknown"
        }
    }

    /// Parses a device name, case-insensitively; `nil` for a name that is
    /// not one of the canonical three (the reader reports it as bad input).
    public init?(name: String) {
        switch name.lowercased() {
        case "desktop": self = .desktop
        case "mobile": self = .mobile
        case "tablet": self = .tablet
        case "", "unknown", "(not set)", "smart tv", "smarttv", "tv", "console", "wearable": self = .unknown  // GA4 categories we do not model
        default: return nil
        }
    }
}
