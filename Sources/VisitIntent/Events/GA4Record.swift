/// Maps one row of a Google Analytics 4 BigQuery export (newline-delimited
/// JSON, as `bq extract` writes it) onto a canonical event.
///
/// The mapping is documented in `docs/ga4.md`. BigQuery writes INT64 columns
/// as JSON strings, so every integer is read from a string or a number.
/// `user_id` is never read: it is the site's own identifier, often an e-mail
/// or a patient number.
enum GA4Record {
    /// GA4 event names whose canonical name differs.
    static let eventNames: [String: String] = [
        "view_search_results": "search",
        "video_start": "video_play",
    ]

    /// The canonical event for `row`; `visitorId` is nil for a consent-mode
    /// cookieless ping (no `user_pseudo_id`), which the reader counts as refused.
    static func map(_ row: JSONValue, at location: (String, Int)) throws -> RawEvent {
        func fail(_ field: String, _ reason: InputError.Reason, _ detail: String = "") -> InputError {
            InputError(file: location.0, line: location.1, field: field, reason: reason, detail: detail)
        }
        func string(_ v: JSONValue?, _ field: String) throws -> String? {
            guard let v, !v.isNull else { return nil }
            guard let t = v.text else { throw fail(field, .wrongType, "expected a string") }
            return t == "(not set)" || t == "(none)" || t.isEmpty ? nil : t
        }
        func integer(_ v: JSONValue?, _ field: String) throws -> Int64? {
            guard let v, !v.isNull else { return nil }
            guard let t = v.text else { throw fail(field, .wrongType, "expected an integer (as a number or a string)") }
            if let n = Int64(t) { return n }
            if let d = Double(t), d.isFinite, d == d.rounded(), abs(d) < 9e15 { return Int64(d) }
            throw fail(field, .badValue, "expected an integer")
        }
        guard case .object = row else { throw fail("", .wrongType, "a GA4 row must be a JSON object") }

        var e = RawEvent()
        e.visitorId = try string(row["user_pseudo_id"], "user_pseudo_id")
        guard let micros = try integer(row["event_timestamp"], "event_timestamp") else {
            throw fail("event_timestamp", .missingField)
        }
        guard (0...4_102_444_800_000_000).contains(micros), case let ms = micros / 1000, Timestamp.plausibleMilliseconds.contains(ms) else {
            throw fail("event_timestamp", .badTimestamp, "expected microseconds since 1970 between 2000 and 2100")
        }
        e.timestamp = Timestamp(epochMilliseconds: ms)
        guard let name = try string(row["event_name"], "event_name") else { throw fail("event_name", .missingField) }
        e.event = eventNames[name] ?? name

        // event_params: [{key, value: {string_value | int_value | double_value | float_value}}]
        var params: [String: JSONValue] = [:]
        if let list = row["event_params"], !list.isNull {
            guard case .array(let items) = list else { throw fail("event_params", .wrongType, "expected an array") }
            for item in items {
                guard case .object = item, let key = item["key"]?.text else { throw fail("event_params", .wrongType, "expected {key, value} objects") }
                guard let value = item["value"], case .object(let members) = value else { continue }
                for (k, v) in members where !v.isNull && ["string_value", "int_value", "double_value", "float_value"].contains(k) {
                    params[key] = v
                    break
                }
            }
        }
        func param(_ key: String) throws -> String? { try string(params[key], "event_params.\(key)") }

        if let sessionNumber = try param("ga_session_id"), let visitor = e.visitorId {
            // ga_session_id is a start time in seconds, unique only per visitor.
            e.sessionId = visitor + "." + sessionNumber
        }
        e.url = try param("page_location")
        e.referrer = try param("page_referrer")
        e.title = try param("page_title")
        e.searchTerm = try param("search_term")
        if let scroll = params["percent_scrolled"], let t = scroll.text, let v = Double(t), v.isFinite {
            e.scrollPct = min(max(v, 0), 100)
        }
        // GA4 reports engagement since the previous report: on a page_view it
        // belongs to the page before, so it is kept only on other events.
        if e.event != "page_view", let v = try? integer(params["engagement_time_msec"], ""), (0...86_400_000).contains(v) {
            e.engagementMs = v
        }

        if let device = row["device"] {
            if let category = try string(device["category"], "device.category") { e.device = Device(name: category) ?? .unknown }
        }
        if let geo = row["geo"] {
            e.country = try string(geo["country"], "geo.country")
            e.region = try string(geo["region"], "geo.region")
            e.city = try string(geo["city"], "geo.city")
        }
        if let privacy = row["privacy_info"], let storage = try string(privacy["analytics_storage"], "privacy_info.analytics_storage") {
            switch storage.lowercased() {
            case "yes", "true": e.consent = true
            case "no", "false": e.consent = false
            default: break
            }
        }
        let sessionNumber = try integer(params["ga_session_number"], "event_params.ga_session_number")
        try assignSource(&e, row: row, sessionNumber: sessionNumber, param: param, string: string)
        return e
    }

    /// Source, medium and campaign from the most specific place that has them.
    private static func assignSource(_ e: inout RawEvent, row: JSONValue, sessionNumber: Int64?, param: (String) throws -> String?,
                                     string: (JSONValue?, String) throws -> String?) throws {
        if let collected = row["collected_traffic_source"], !collected.isNull {
            e.source = try string(collected["manual_source"], "collected_traffic_source.manual_source")
            e.medium = try string(collected["manual_medium"], "collected_traffic_source.manual_medium")
            e.campaign = try string(collected["manual_campaign_name"], "collected_traffic_source.manual_campaign_name")
            if e.source == nil, e.medium == nil, try string(collected["gclid"], "collected_traffic_source.gclid") != nil {
                e.source = "google"; e.medium = "cpc"
            }
        }
        if e.source == nil && e.medium == nil {
            e.source = try param("source")
            e.medium = try param("medium")
            e.campaign = try e.campaign ?? param("campaign")
        }
        if e.source == nil && e.medium == nil, let last = row["session_traffic_source_last_click"], let manual = last["manual_campaign"] {
            e.source = try string(manual["source"], "session_traffic_source_last_click.manual_campaign.source")
            e.medium = try string(manual["medium"], "session_traffic_source_last_click.manual_campaign.medium")
            e.campaign = try e.campaign ?? string(manual["campaign_name"], "session_traffic_source_last_click.manual_campaign.campaign_name")
        }
        // traffic_source is the user's first-touch acquisition: true only of the first session.
        if e.source == nil && e.medium == nil, sessionNumber == 1, let first = row["traffic_source"], !first.isNull {
            e.source = try string(first["source"], "traffic_source.source")
            e.medium = try string(first["medium"], "traffic_source.medium")
            e.campaign = try e.campaign ?? string(first["name"], "traffic_source.name")
        }
    }
}
