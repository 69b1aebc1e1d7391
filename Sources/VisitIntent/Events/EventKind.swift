/// What happened at one moment of a visit, as the canonical format names it.
///
/// Names outside this list are kept (`other`, with the name stored beside the
/// event) so that an adapter can pass through events we do not model yet.
public enum EventKind: UInt8, CaseIterable, Sendable, Codable {
    case pageView, scroll, click, formStart, formSubmit, phoneClick, booking, search, videoPlay, other

    /// The canonical name in the event file.
    public var name: String {
        switch self {
        case .pageView: "page_view"
        case .scroll: "scroll"
        case .click: "click"
        case .formStart: "form_start"
        case .formSubmit: "form_submit"
        case .phoneClick: "phone_click"
        case .booking: "booking"
        case .search: "search"
        case .videoPlay: "video_play"
        case .other: "other"
        }
    }

    /// The kind for a canonical name; `other` for any name not listed.
    public init(name: String) {
        self = EventKind.byName[name] ?? .other
    }

    private static let byName: [String: EventKind] = Dictionary(uniqueKeysWithValues: EventKind.allCases.filter { $0 != .other }.map { ($0.name, $0) })

    /// Events that show the visitor doing something, not only reading: they end a bounce.
    public var isInteraction: Bool {
        switch self {
        case .formStart, .formSubmit, .phoneClick, .booking, .search, .videoPlay, .click: true
        default: false
        }
    }
}
