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
        let derived = try FeatureLayout(spec: self).columns
        guard derived == columns else { throw FeatureSpecError.columnsMismatch }
        return self
    }

    /// Fits attribute levels and the site's hosts on training data.
    public static func fit(events: EventTable, sessions: SessionTable, taxonomyYAML: String,
                           configuration: FeatureConfiguration = FeatureConfiguration()) throws -> FeatureSpec {
        func levels(_ column: [Int32]) -> [String] {
            var sessionsWith: [Int32: Int] = [:]
            for s in 0..<sessions.count {
                if let e = sessions.events(of: s).first(where: { column[Int($0)] != StringPool.empty }) {
                    sessionsWith[column[Int(e)], default: 0] += 1
                }
            }
            return sessionsWith
                .filter { $0.value >= configuration.minLevelSessions && !["unknown", "other", "(not set)"].contains(events.pool[$0.key]) }
                .map { (events.pool[$0.key], $0.value) }
                .sorted { ($1.1, $0.0) < ($0.1, $1.0) }
                .prefix(configuration.maxLevels)
                .map(\.0)
                .sorted()
        }
        var hostCounts: [Int32: Int] = [:]
        for h in events.host where h != StringPool.empty { hostCounts[h, default: 0] += 1 }
        let total = hostCounts.values.reduce(0, +)
        let hosts = hostCounts.filter { Double($0.value) >= 0.01 * Double(total) }.map { events.pool[$0.key] }.sorted()
        return try FeatureSpec(taxonomyYAML: taxonomyYAML, sessionizer: configuration.sessionizer,
                               bigramBuckets: configuration.bigramBuckets, pathTokenBuckets: configuration.pathTokenBuckets,
                               genderLevels: levels(events.gender), ageBandLevels: levels(events.ageBand),
                               regionLevels: levels(events.region), internalHosts: hosts)
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
