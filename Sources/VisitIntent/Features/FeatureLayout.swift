/// Where each feature group starts in a row, and the columns' names.
///
/// Derived from a `FeatureSpec` alone, so the extractor, the model card and
/// the reason codes all agree on which column is which.
public struct FeatureLayout: Sendable {
    public static let weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    public static let sessionColumns = ["page_views", "distinct_pages", "events", "duration_s", "dwell_mean_s", "dwell_max_s", "bounce"]
    public static let funnelColumns = ["form_starts", "form_submits", "phone_clicks", "bookings", "clicks", "video_plays", "other_events", "pricing_seen", "booking_page_seen"]
    public static let historyColumns = ["returning", "sessions_prev_7d", "sessions_prev_30d", "days_since_first_visit"]

    public let taxonomy: SiteTaxonomy
    public private(set) var columns: [FeatureColumn] = []
    // Group offsets.
    public private(set) var session = 0, topicViews = 0, topicDwell = 0, kindViews = 0, kindDwell = 0
    public private(set) var landingKind = 0, exitKind = 0, landingTopic = 0, funnel = 0, engagement = 0
    public private(set) var channel = 0, device = 0, time = 0, history = 0, gender = 0, ageBand = 0, region = 0
    public private(set) var bigrams = 0, pathTokens = 0

    public var count: Int { columns.count }

    public init(spec: FeatureSpec) throws {
        do { taxonomy = try SiteTaxonomy.parse(yaml: spec.taxonomyYAML, file: "<model taxonomy>") } catch {
            throw FeatureSpecError.badTaxonomy("\(error)")
        }
        func add(_ name: String, _ group: String, _ transform: FeatureColumn.Transform = .none, _ label: String) {
            columns.append(FeatureColumn(name: name, group: group, transform: transform, label: label))
        }
        session = columns.count
        add("page_views", "session", .log1p, "pages viewed")
        add("distinct_pages", "session", .log1p, "distinct pages viewed")
        add("events", "session", .log1p, "events in the visit")
        add("duration_s", "session", .log1p, "seconds on the site")
        add("dwell_mean_s", "session", .log1p, "mean seconds per page")
        add("dwell_max_s", "session", .log1p, "longest seconds on one page")
        add("bounce", "session", .none, "left after one page without interacting")
        topicViews = columns.count
        for t in taxonomy.topics { add("topic_views:\(t)", "topic", .log1p, "pages about \(t) viewed") }
        topicDwell = columns.count
        for t in taxonomy.topics { add("topic_dwell_s:\(t)", "topic", .log1p, "seconds reading about \(t)") }
        kindViews = columns.count
        for k in taxonomy.kinds { add("kind_views:\(k)", "kind", .log1p, "\(k) pages viewed") }
        kindDwell = columns.count
        for k in taxonomy.kinds { add("kind_dwell_s:\(k)", "kind", .log1p, "seconds on \(k) pages") }
        landingKind = columns.count
        for k in taxonomy.kinds { add("landing_kind:\(k)", "landing", .none, "landed on a \(k) page") }
        exitKind = columns.count
        for k in taxonomy.kinds { add("exit_kind:\(k)", "exit", .none, "left from a \(k) page") }
        landingTopic = columns.count
        for t in taxonomy.topics { add("landing_topic:\(t)", "landing", .none, "landed on a page about \(t)") }
        funnel = columns.count
        add("form_starts", "funnel", .log1p, "started a form")
        add("form_submits", "funnel", .log1p, "submitted a form")
        add("phone_clicks", "funnel", .log1p, "clicked the phone number")
        add("bookings", "funnel", .log1p, "completed a booking")
        add("clicks", "funnel", .log1p, "clicks")
        add("video_plays", "funnel", .log1p, "played a video")
        add("other_events", "funnel", .log1p, "other events")
        add("pricing_seen", "funnel", .none, "saw the prices")
        add("booking_page_seen", "funnel", .none, "opened the booking page")
        engagement = columns.count
        add("max_scroll_pct", "engagement", .none, "deepest scroll (%)")
        add("site_search", "engagement", .none, "used the site search")
        channel = columns.count
        for c in Channel.allCases { add("channel:\(c.rawValue)", "channel", .none, "arrived from \(c.rawValue.replacingAll("_", with: " "))") }
        device = columns.count
        for d in Device.allCases { add("device:\(d.name)", "device", .none, "on a \(d.name) device") }
        time = columns.count
        add("hour_sin", "time", .none, "hour of day (sine)")
        add("hour_cos", "time", .none, "hour of day (cosine)")
        for w in FeatureLayout.weekdays { add("weekday:\(w)", "time", .none, "visited on a \(w)") }
        history = columns.count
        add("returning", "history", .none, "returning visitor")
        add("sessions_prev_7d", "history", .log1p, "visits in the previous 7 days")
        add("sessions_prev_30d", "history", .log1p, "visits in the previous 30 days")
        add("days_since_first_visit", "history", .log1p, "days since the first visit")
        gender = columns.count
        for g in spec.genderLevels + ["other", "unknown"] { add("gender:\(g)", "visitor", .none, "gender \(g)") }
        ageBand = columns.count
        for a in spec.ageBandLevels + ["other", "unknown"] { add("age_band:\(a)", "visitor", .none, "age band \(a)") }
        region = columns.count
        for r in spec.regionLevels + ["other", "unknown"] { add("region:\(r)", "visitor", .none, "region \(r)") }
        bigrams = columns.count
        for i in 0..<spec.bigramBuckets { add("bigram_hash:\(i)", "hashed", .log1p, "topic transitions in hash bucket \(i)") }
        pathTokens = columns.count
        for i in 0..<spec.pathTokenBuckets { add("path_token_hash:\(i)", "hashed", .log1p, "URL words in hash bucket \(i)") }
    }
}
