import Foundation

/// Everything needed to turn events into the same feature vectors again.
///
/// Every model embeds its spec, so that scoring months later rebuilds exactly
/// the columns the model was trained on: the site taxonomy (its YAML text),
/// the sessionization rules, the hashing widths, and the attribute levels
/// seen in training. `columns` is derived from the rest and stored so that a
/// mismatch is caught on load rather than silently mis-scored.
public struct FeatureSpec: Codable, Sendable, Equatable {
    public static let currentVersion = 1

    public var version: Int
    public var taxonomyYAML: String
    public var sessionizer: SessionizerConfiguration
    public var bigramBuckets: Int
    public var pathTokenBuckets: Int
    public var genderLevels: [String]
    public var ageBandLevels: [String]
    public var regionLevels: [String]
    /// The site's own hosts: a referrer among them is internal navigation.
    public var internalHosts: [String]
    public var columns: [FeatureColumn]

    enum CodingKeys: String, CodingKey {
        case version
        case taxonomyYAML = "taxonomy_yaml"
        case sessionizer
        case bigramBuckets = "bigram_buckets"
        case pathTokenBuckets = "path_token_buckets"
        case genderLevels = "gender_levels"
        case ageBandLevels = "age_band_levels"
        case regionLevels = "region_levels"
        case internalHosts = "internal_hosts"
        case columns
    }

    public init(taxonomyYAML: String, sessionizer: SessionizerConfiguration, bigramBuckets: Int, pathTokenBuckets: Int,
                genderLevels: [String], ageBandLevels: [String], regionLevels: [String], internalHosts: [String]) throws {
        self.version = FeatureSpec.currentVersion
        self.taxonomyYAML = taxonomyYAML
        self.sessionizer = sessionizer
        self.bigramBuckets = bigramBuckets
        self.pathTokenBuckets = pathTokenBuckets
        self.genderLevels = genderLevels
        self.ageBandLevels = ageBandLevels
        self.regionLevels = regionLevels
        self.internalHosts = internalHosts
        self.columns = []
        self.columns = try FeatureLayout(spec: self).columns
    }

    public var columnNames: [String] { columns.map(\.name) }

    /// Re-derives the columns and checks them against the stored ones.
    public func validated() throws -> FeatureSpec {
        guard version == FeatureSpec.currentVersion else {
            throw FeatureSpecError.unsupportedVersion(version)
        }
        guard (1...65_536).contains(bigramBuckets), (1...65_536).contains(pathTokenBuckets),
              sessionizer.inactivityTimeoutMinutes.isFinite, sessionizer.inactivityTimeoutMinutes > 0, sessionizer.inactivityTimeoutMinutes <= 10_080 else {
            throw FeatureSpecError.columnsMismatch
        }
        let derived = try FeatureLayout(spec: self).columns
        guard derived == columns else { throw FeatureSpecError.columnsMismatch }
        return self
    }

    /// Fits attribute levels and the site's hosts on training data.
    public static func fit(events: EventTable, sessions: SessionTable, taxonomyYAML: String,
                           configuration: FeatureConfiguration = FeatureConfiguration()) throws -> FeatureSpec {
        // A level gets a column when enough distinct visitors have it, so a model never
        // names an attribute value that identifies a handful of people.
        func levels(_ column: [Int32]) -> [String] {
            var visitorsWith: [Int32: Set<Int32>] = [:]
            for s in 0..<sessions.count {
                if let e = sessions.events(of: s).first(where: { column[Int($0)] != StringPool.empty }) {
                    visitorsWith[column[Int(e)], default: []].insert(sessions.visitor[s])
                }
            }
            return visitorsWith.mapValues(\.count)
                .filter { $0.value >= configuration.minLevelSessions && !["unknown", "other", "(not set)"].contains(events.pool[$0.key].lowercased()) }
                .map { (events.pool[$0.key], $0.value) }
                .sorted { ($1.1, $0.0) < ($0.1, $1.0) }
                .prefix(configuration.maxLevels)
                .map(\.0)
                .sorted()
        }
        // The site's hosts: those of its page URLs, the taxonomy's `site:`, and the hosts
        // that refer most page views after the first of a session (internal navigation).
        var hostCounts: [Int32: Int] = [:]
        for h in events.host where h != StringPool.empty { hostCounts[h, default: 0] += 1 }
        let total = hostCounts.values.reduce(0, +)
        var hosts = Set(hostCounts.filter { Double($0.value) >= 0.01 * Double(total) }.map { events.pool[$0.key] })
        var innerReferrers: [Int32: Int] = [:]
        var inner = 0
        for s in 0..<sessions.count {
            for e in sessions.events(of: s).dropFirst() where events.kind[Int(e)] == .pageView && events.referrerHost[Int(e)] != StringPool.empty {
                innerReferrers[events.referrerHost[Int(e)], default: 0] += 1
                inner += 1
            }
        }
        for (h, c) in innerReferrers where Double(c) >= 0.2 * Double(inner) && !Channel.isKnownExternal(host: events.pool[h]) { hosts.insert(events.pool[h]) }
        if let taxonomy = try? SiteTaxonomy.parse(yaml: taxonomyYAML) { hosts.formUnion(taxonomy.siteHosts) }
        let hostList = hosts.sorted()
        return try FeatureSpec(taxonomyYAML: taxonomyYAML, sessionizer: configuration.sessionizer,
                               bigramBuckets: configuration.bigramBuckets, pathTokenBuckets: configuration.pathTokenBuckets,
                               genderLevels: levels(events.gender), ageBandLevels: levels(events.ageBand),
                               regionLevels: levels(events.region), internalHosts: hostList)
    }
}

public enum FeatureSpecError: Error, CustomStringConvertible, Equatable {
    case unsupportedVersion(Int)
    case columnsMismatch
    case badTaxonomy(String)
    case columnCount(expected: Int, got: Int)
    case noEventSpec

    public var description: String {
        switch self {
        case .unsupportedVersion(let v): "feature spec version \(v) is not supported by this tool (it reads version \(FeatureSpec.currentVersion)); upgrade VisitIntent"
        case .columnsMismatch: "the feature spec's stored columns do not match the columns it describes: the model file was edited or written by an incompatible version"
        case .badTaxonomy(let d): "the feature spec's taxonomy is invalid: \(d)"
        case .columnCount(let e, let g): "the model expects \(e) feature columns, the input has \(g)"
        case .noEventSpec: "this model was trained on a feature table, not on events: score it with a feature table"
        }
    }
}
