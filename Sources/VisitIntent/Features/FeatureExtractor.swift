import Foundation
import LinearAlgebra

/// Turns sessions into feature rows as a `FeatureSpec` describes them.
///
/// Per session: size and time, reads and dwell per topic and page kind,
/// landing and exit, funnel events, scroll and search, channel, device, local
/// hour (as sine and cosine, so 23 h and 0 h are close) and weekday, visitor
/// history, visitor attributes one-hot with "other" and "unknown", and hashed
/// topic-transition bigrams and URL words.
///
/// Dwell on a page view is `PageDwell`'s: its `engagement_ms` when given;
/// otherwise the time to the next page view or, for the last page, to the
/// session's last event (capped at the inactivity timeout). Sessions are
/// independent, so rows are filled in parallel; each row is computed by one thread in a fixed order,
/// so the result does not depend on the number of threads.
public struct FeatureExtractor: Sendable {
    public let spec: FeatureSpec
    public let layout: FeatureLayout
    /// Bucket of each (from, to) topic pair, fixed by the spec.
    let bigramBucket: [Int32]
    let internalHosts: Set<String>
    /// Kind and topic indices the rows need, found once (a per-session `firstIndex(of:)`
    /// compared strings for every session).
    let fallbackKind: Int, fallbackTopic: Int, pricingKind: Int?, bookingKind: Int?
    /// What is worked out per distinct path and per distinct (source, medium,
    /// referrer host), kept across calls: the service extracts one session per
    /// request, and a site's paths and referrers recur. Paths are seen only after
    /// redaction; referrers are hosts. Bounded, shared by threads.
    private let pathMemo = BoundedSharedMap<String, PathClass>(limit: 50_000)
    private let channelMemo = BoundedSharedMap<ChannelKey, UInt16>(limit: 10_000)

    struct PathClass { var topic: Int16, kind: Int16, tokenBuckets: [Int32] }
    struct ChannelKey: Hashable { var source: String, medium: String, referrerHost: String }

    public init(spec: FeatureSpec) throws {
        self.spec = spec
        self.layout = try FeatureLayout(spec: spec)
        let topics = layout.taxonomy.topics
        var table = [Int32](repeating: 0, count: topics.count * topics.count)
        for a in 0..<topics.count {
            for b in 0..<topics.count {
                table[a * topics.count + b] = Int32(FeatureHashing.bucket("\(topics[a])>\(topics[b])", buckets: spec.bigramBuckets))
            }
        }
        bigramBucket = table
        internalHosts = Set(spec.internalHosts)
        let kinds = layout.taxonomy.kinds
        fallbackKind = kinds.firstIndex(of: layout.taxonomy.fallbackKind)!
        fallbackTopic = layout.taxonomy.topics.firstIndex(of: layout.taxonomy.fallbackTopic)!
        pricingKind = kinds.firstIndex(of: "pricing")
        bookingKind = kinds.firstIndex(of: "booking")
    }

    /// Classification of every distinct path in `events`, indexed by pool code;
    /// the path-token buckets of code `c` are `buckets[bucketStart[c]..<bucketStart[c] + bucketCount[c]]`
    /// (one flat array: an array per path was retained and released at every page view).
    struct PathInfo {
        var topic: [Int16]
        var kind: [Int16]
        var bucketStart: [Int]
        var bucketCount: [Int]
        var buckets: [Int32] = []
    }

    func pathInfo(_ events: EventTable) -> PathInfo {
        let n = events.pool.strings.count
        var info = PathInfo(topic: Array(repeating: -1, count: n), kind: Array(repeating: -1, count: n),
                            bucketStart: Array(repeating: 0, count: n), bucketCount: Array(repeating: 0, count: n))
        for code in events.path where code != StringPool.empty && info.topic[Int(code)] < 0 {
            let path = events.pool[code]
            let known: PathClass
            if let memo = pathMemo[path] {
                known = memo
            } else {
                let (t, k) = layout.taxonomy.classifyIndices(path)
                known = PathClass(topic: Int16(t), kind: Int16(k),
                                  tokenBuckets: FeatureHashing.pathTokens(path).map { Int32(FeatureHashing.bucket($0, buckets: spec.pathTokenBuckets)) })
                pathMemo.set(known, for: path)
            }
            info.topic[Int(code)] = known.topic
            info.kind[Int(code)] = known.kind
            info.bucketStart[Int(code)] = info.buckets.count
            info.bucketCount[Int(code)] = known.tokenBuckets.count
            info.buckets.append(contentsOf: known.tokenBuckets)
        }
        return info
    }

    /// Extracts one row per session. `threads` only changes speed, never values.
    /// `eventLimits[s]`, when given, keeps at most that many of session `s`'s
    /// first events: outcome labels cut a session before the outcome event.
    /// `withSegments: false` leaves the segments empty, for scoring, which
    /// reports none (they cost a seventh of extraction).
    public func extract(events: EventTable, sessions: SessionTable, prefix: SessionPrefix = .all, eventLimits: [Int]? = nil, threads: Int = 2,
                        withSegments: Bool = true) -> FeatureMatrix {
        precondition(eventLimits == nil || eventLimits!.count == sessions.count, "one event limit per session")
        let width = layout.count
        let rows = sessions.count
        // Each row is zeroed just before it is filled, not the whole matrix first: a chunk's
        // matrix (megabytes) had left the caches by the time its rows were filled, and the
        // fill's first read of each cell missed (a quarter of `fill` in `perf annotate`).
        var storage = [Float](unsafeUninitializedCapacity: rows * width) { _, count in count = rows * width }
        let info = pathInfo(events)
        let bigramBucket = self.bigramBucket
        // Per pool code, its column among the attribute's one-hot levels (`unknownLevel` for
        // "unknown" or "(not set)" in any case, `otherLevel` for any other value): an array
        // look-up per session and attribute, where a `Dictionary` and a `Set` hashed the code.
        let unknownCodes = events.pool.strings.indices.filter {
            let text = events.pool.strings[$0], length = text.utf8.count  // the length test spares lowercasing every URL
            return (length == 7 || length == 9) && ["unknown", "(not set)"].contains(text.lowercased())
        }
        func levelIndex(_ levels: [String]) -> [Int32] {
            var index = [Int32](repeating: FeatureExtractor.otherLevel, count: events.pool.strings.count)
            for (i, l) in levels.enumerated() { if let c = events.pool.code(of: l) { index[Int(c)] = Int32(i) } }
            for c in unknownCodes { index[c] = FeatureExtractor.unknownLevel }
            index[Int(StringPool.empty)] = FeatureExtractor.unknownLevel
            return index
        }
        let genderMap = levelIndex(spec.genderLevels), ageMap = levelIndex(spec.ageBandLevels), regionMap = levelIndex(spec.regionLevels)
        var channels = sessionChannels(events: events, sessions: sessions, prefix: prefix)
        var landingKinds = [UInt16](repeating: 0, count: rows)
        var landingTopics = [UInt16](repeating: 0, count: rows)
        let chunk = 2048
        let chunks = (rows + chunk - 1) / chunk
        storage.withUnsafeMutableBufferPointer { outBuffer in
            channels.withUnsafeMutableBufferPointer { channelBuffer in
                landingKinds.withUnsafeMutableBufferPointer { landingKindBuffer in
                    landingTopics.withUnsafeMutableBufferPointer { landingTopicBuffer in
                        let out = outBuffer, channelOut = channelBuffer, landingKindOut = landingKindBuffer, landingTopicOut = landingTopicBuffer
                        Parallel.forEach(blocks: chunks, threads: threads) { c in
                            for s in (c * chunk)..<min(rows, (c + 1) * chunk) {
                                let row = UnsafeMutableBufferPointer(rebasing: out[(s * width)..<((s + 1) * width)])
                                row.update(repeating: 0)
                                let (lk, lt) = fill(row: row, session: s, channel: Int(channelOut[s]), events: events, sessions: sessions, prefix: prefix,
                                                    limit: eventLimits?[s] ?? Int.max, info: info,
                                                    bigramBucket: bigramBucket, genderMap: genderMap, ageMap: ageMap, regionMap: regionMap)
                                landingKindOut[s] = UInt16(lk)
                                landingTopicOut[s] = UInt16(lt)
                            }
                        }
                    }
                }
            }
        }
        let matrix = Matrix(rows: rows, columns: width, storage: storage)
        return FeatureMatrix(columns: spec.columnNames, values: matrix, sessionIDs: sessions.id,
                             visitorIDs: sessions.visitor.map { events.pool[$0] },
                             segments: withSegments ? segments(matrix: matrix, sessions: sessions, channels: channels, landingKinds: landingKinds, landingTopics: landingTopics)
                                 : SessionSegments(columns: [:]),
                             sessionStart: sessions.start)
    }

    /// The channel of each session: from its first event that carries a source,
    /// a medium or an external referrer (direct when none does). Grouping is
    /// string matching, so it is done once per distinct (source, medium, referrer).
    func sessionChannels(events: EventTable, sessions: SessionTable, prefix: SessionPrefix) -> [UInt16] {
        var cache: [SIMD3<Int32>: UInt16] = [:]
        var internalCodes = Set<Int32>()
        for h in internalHosts { if let c = events.pool.code(of: h) { internalCodes.insert(c) } }
        var out = [UInt16](repeating: 0, count: sessions.count)
        for s in 0..<sessions.count {
            let all = sessions.events(of: s)
            let keep = prefix.length(of: all, kinds: events.kind)
            var key = SIMD3<Int32>(StringPool.empty, StringPool.empty, StringPool.empty)
            for e32 in all.prefix(keep) {
                let e = Int(e32)
                let ref = events.referrerHost[e]
                let external = ref != StringPool.empty && !internalCodes.contains(ref)
                if events.source[e] != StringPool.empty || events.medium[e] != StringPool.empty || external {
                    key = SIMD3(events.source[e], events.medium[e], external ? ref : StringPool.empty)
                    break
                }
            }
            if let c = cache[key] { out[s] = c; continue }
            let strings = ChannelKey(source: events.pool[key.x], medium: events.pool[key.y], referrerHost: events.pool[key.z])
            let code: UInt16
            if let memo = channelMemo[strings] {
                code = memo
            } else {
                let channel = Channel.group(source: strings.source, medium: strings.medium, referrerHost: strings.referrerHost, internalHosts: internalHosts)
                code = UInt16(Channel.allCases.firstIndex(of: channel)!)
                channelMemo.set(code, for: strings)
            }
            cache[key] = code
            out[s] = code
        }
        return out
    }

    /// Fills one row; returns the landing kind and landing topic indices for segments.
    private func fill(row: UnsafeMutableBufferPointer<Float>, session s: Int, channel channelIndex: Int, events: EventTable, sessions: SessionTable, prefix: SessionPrefix,
                      limit: Int, info: PathInfo, bigramBucket: [Int32],
                      genderMap: [Int32], ageMap: [Int32], regionMap: [Int32]) -> (Int, Int) {
        let all = sessions.events(of: s)
        let keep = min(prefix.length(of: all, kinds: events.kind), max(0, limit))
        let truncated = prefix != .all || keep < all.count
        let evs = all.prefix(keep)
        let L = layout
        let topicCount = L.taxonomy.topics.count
        let timeoutMs = Int64(spec.sessionizer.inactivityTimeoutMinutes * 60_000)

        var pageViews = 0
        var distinct: [Int32] = []
        var dwellSum = 0.0, dwellMax = 0.0
        var maxScroll: Float = 0
        var searched = false
        var interacted = false
        var firstKind = -1, lastKind = -1, firstTopic = -1, previousTopic = -1
        var counts = SIMD8<Int32>()  // form_start, form_submit, phone, booking, click, video, other (no array per session)
        var gender = StringPool.empty, age = StringPool.empty, region = StringPool.empty

        let list = evs  // a slice of the session table: indices start at `list.startIndex`
        let lastTime = list.last.map { events.time[Int($0)] } ?? 0
        for (position, e32) in list.enumerated() {
            let e = Int(e32)
            let kind = events.kind[e]
            if gender == StringPool.empty { gender = events.gender[e] }
            if age == StringPool.empty { age = events.ageBand[e] }
            if region == StringPool.empty { region = events.region[e] }
            let scroll = events.scrollPct[e]
            if !scroll.isNaN { maxScroll = max(maxScroll, scroll) }
            if events.searched[e] { searched = true }
            if kind.isInteraction { interacted = true }
            switch kind {
            case .formStart: counts[0] += 1
            case .formSubmit: counts[1] += 1
            case .phoneClick: counts[2] += 1
            case .booking: counts[3] += 1
            case .click: counts[4] += 1
            case .videoPlay: counts[5] += 1
            case .other: counts[6] += 1
            default: break
            }
            guard kind == .pageView else { continue }
            let path = events.path[e]
            let topic = Int(info.topic[Int(path)]), pageKind = Int(info.kind[Int(path)])
            pageViews += 1
            if !distinct.contains(path) { distinct.append(path) }
            let dwell = Double(PageDwell.milliseconds(at: list.startIndex + position, in: list, events: events, lastTime: lastTime,
                                                      timeoutMs: timeoutMs, truncated: truncated)) / 1000
            dwellSum += dwell
            dwellMax = max(dwellMax, dwell)
            row[L.topicViews + topic] += 1
            row[L.topicDwell + topic] += Float(dwell)
            row[L.kindViews + pageKind] += 1
            row[L.kindDwell + pageKind] += Float(dwell)
            if firstKind < 0 { firstKind = pageKind; firstTopic = topic }
            lastKind = pageKind
            if previousTopic >= 0 { row[L.bigrams + Int(bigramBucket[previousTopic * topicCount + topic])] += 1 }
            previousTopic = topic
            let tokens = info.bucketStart[Int(path)]
            for k in tokens..<(tokens + info.bucketCount[Int(path)]) { row[L.pathTokens + Int(info.buckets[k])] += 1 }
        }
        let start = list.first.map { events.time[Int($0)] } ?? sessions.start[s]
        let duration = Double(lastTime - start) / 1000
        row[L.session + 0] = Float(pageViews)
        row[L.session + 1] = Float(distinct.count)
        row[L.session + 2] = Float(list.count)
        row[L.session + 3] = Float(max(0, duration))
        row[L.session + 4] = pageViews > 0 ? Float(dwellSum / Double(pageViews)) : 0
        row[L.session + 5] = Float(dwellMax)
        // Bounce as GA4's "not engaged": one page, no interaction, under 10 s on the site.
        row[L.session + 6] = pageViews <= 1 && !interacted && max(duration, dwellSum) < 10 ? 1 : 0
        if firstKind < 0 { firstKind = fallbackKind; lastKind = fallbackKind; firstTopic = fallbackTopic }
        row[L.landingKind + firstKind] = 1
        row[L.exitKind + lastKind] = 1
        row[L.landingTopic + firstTopic] = 1
        for i in 0..<7 { row[L.funnel + i] = Float(counts[i]) }
        if let pricing = pricingKind { row[L.funnel + 7] = row[L.kindViews + pricing] > 0 ? 1 : 0 }
        if let booking = bookingKind { row[L.funnel + 8] = row[L.kindViews + booking] > 0 ? 1 : 0 }
        row[L.engagement + 0] = maxScroll
        row[L.engagement + 1] = searched ? 1 : 0
        row[L.channel + channelIndex] = 1
        let first = list.first.map { Int($0) } ?? Int(all.first!)
        row[L.device + Int(events.device[first].rawValue)] = 1
        let ts = events.timestamp(first)
        let localMs = ((ts.localMilliseconds % 86_400_000) + 86_400_000) % 86_400_000
        let hour = Double(localMs) / 3_600_000
        row[L.time + 0] = Float(sin(2 * Double.pi * hour / 24))
        row[L.time + 1] = Float(cos(2 * Double.pi * hour / 24))
        row[L.time + 2 + ts.localWeekday] = 1
        row[L.history + 0] = sessions.visitIndex[s] > 0 ? 1 : 0
        row[L.history + 1] = Float(sessions.previous7Days[s])
        row[L.history + 2] = Float(sessions.previous30Days[s])
        row[L.history + 3] = sessions.daysSinceFirstVisit[s]
        func oneHot(_ offset: Int, _ code: Int32, _ index: [Int32], _ levels: Int) {
            switch index[Int(code)] {
            case FeatureExtractor.unknownLevel: row[offset + levels + 1] = 1
            case FeatureExtractor.otherLevel: row[offset + levels] = 1
            case let i: row[offset + Int(i)] = 1
            }
        }
        oneHot(L.gender, gender, genderMap, spec.genderLevels.count)
        oneHot(L.ageBand, age, ageMap, spec.ageBandLevels.count)
        oneHot(L.region, region, regionMap, spec.regionLevels.count)
        return (firstKind, firstTopic)
    }

    /// `levelIndex` entries: a code that reads as unknown (or is empty), and one outside the levels.
    private static let unknownLevel: Int32 = -1, otherLevel: Int32 = -2

    private func segments(matrix: Matrix<Float>, sessions: SessionTable, channels: [UInt16], landingKinds: [UInt16], landingTopics: [UInt16]) -> SessionSegments {
        let L = layout
        let rows = matrix.rows
        func fromOneHot(_ offset: Int, _ levels: [String]) -> CategoricalColumn {
            var codes = [UInt16](repeating: 0, count: rows)
            for r in 0..<rows {
                for i in 0..<levels.count where matrix[r, offset + i] == 1 { codes[r] = UInt16(i); break }
            }
            return CategoricalColumn(levels: levels, codes: codes)
        }
        var columns: [String: CategoricalColumn] = [:]
        columns["device"] = fromOneHot(L.device, Device.allCases.map(\.name))
        columns["channel"] = CategoricalColumn(levels: Channel.allCases.map(\.rawValue), codes: channels)
        columns["visitor_type"] = CategoricalColumn(levels: ["new", "returning"], codes: sessions.visitIndex.map { $0 > 0 ? 1 : 0 })
        columns["age_band"] = fromOneHot(L.ageBand, spec.ageBandLevels + ["other", "unknown"])
        columns["gender"] = fromOneHot(L.gender, spec.genderLevels + ["other", "unknown"])
        columns["region"] = fromOneHot(L.region, spec.regionLevels + ["other", "unknown"])
        columns["landing_kind"] = CategoricalColumn(levels: L.taxonomy.kinds, codes: landingKinds)
        columns["landing_topic"] = CategoricalColumn(levels: L.taxonomy.topics, codes: landingTopics)
        columns["weekday"] = fromOneHot(L.time + 2, FeatureLayout.weekdays)
        return SessionSegments(columns: columns)
    }
}
