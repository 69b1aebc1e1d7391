import Foundation

extension RawEvent {
    /// The event as one line of canonical JSON Lines (format v1), fields in
    /// the documented order, absent fields left out. `intent convert` writes
    /// these, so any adapter's output can be read back by the canonical reader.
    public var canonicalJSONLine: String {
        var parts: [String] = []
        func add(_ field: CanonicalField, _ value: String?) {
            if let value { parts.append("\(JSONText.quote(field.rawValue)):\(JSONText.quote(value))") }
        }
        add(.visitorId, visitorId)
        add(.timestamp, timestamp?.rfc3339)
        add(.event, event)
        add(.sessionId, sessionId)
        add(.url, url)
        add(.referrer, referrer)
        add(.title, title)
        if let device, device != .unknown { add(.device, device.name) }
        add(.source, source)
        add(.medium, medium)
        add(.campaign, campaign)
        add(.country, country)
        add(.region, region)
        add(.city, city)
        add(.gender, gender)
        add(.ageBand, ageBand)
        if let consent { parts.append("\"consent\":\(consent)") }
        if let engagementMs { parts.append("\"engagement_ms\":\(engagementMs)") }
        if let scrollPct { parts.append("\"scroll_pct\":\(scrollPct == scrollPct.rounded() ? String(Int(scrollPct)) : String(scrollPct))") }
        add(.searchTerm, searchTerm)
        return "{" + parts.joined(separator: ",") + "}"
    }
}
