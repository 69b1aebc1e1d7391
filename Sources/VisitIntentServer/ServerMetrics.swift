import Foundation

/// Prometheus text metrics: requests by status, a latency histogram, and the
/// model in use. Hand-written: three families do not justify a metrics stack.
public final class ServerMetrics: @unchecked Sendable {
    static let buckets: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]
    private let lock = NSLock()
    private var byStatus: [Int: Int] = [:]
    private var bucketCounts = [Int](repeating: 0, count: ServerMetrics.buckets.count)
    private var count = 0
    private var sum = 0.0

    public init() {}

    public func record(status: Int, seconds: Double) {
        lock.lock(); defer { lock.unlock() }
        byStatus[status, default: 0] += 1
        for (i, b) in Self.buckets.enumerated() where seconds <= b { bucketCounts[i] += 1 }
        count += 1
        sum += seconds
    }

    public func text(model: ModelHolder) -> String {
        let m = model.model, reloads = model.reloads  // read before taking our lock: never hold both
        lock.lock(); defer { lock.unlock() }
        var t = "# HELP visitintent_http_requests_total Requests answered, by HTTP status.\n# TYPE visitintent_http_requests_total counter\n"
        for (status, n) in byStatus.sorted(by: { $0.key < $1.key }) { t += "visitintent_http_requests_total{status=\"\(status)\"} \(n)\n" }
        t += "# HELP visitintent_http_request_duration_seconds Time to answer a request.\n# TYPE visitintent_http_request_duration_seconds histogram\n"
        for (i, b) in Self.buckets.enumerated() { t += "visitintent_http_request_duration_seconds_bucket{le=\"\(b)\"} \(bucketCounts[i])\n" }
        t += "visitintent_http_request_duration_seconds_bucket{le=\"+Inf\"} \(count)\n"
        t += "visitintent_http_request_duration_seconds_sum \(sum)\nvisitintent_http_request_duration_seconds_count \(count)\n"
        t += "# HELP visitintent_model_info The model being served.\n# TYPE visitintent_model_info gauge\n"
        t += "visitintent_model_info{kind=\"\(m.classifier.kind)\",version=\"\(m.version)\"} 1\n"
        t += "# HELP visitintent_model_reloads_total Model reloads (SIGHUP), by result.\n# TYPE visitintent_model_reloads_total counter\n"
        t += "visitintent_model_reloads_total{result=\"ok\"} \(reloads.ok)\nvisitintent_model_reloads_total{result=\"failed\"} \(reloads.failed)\n"
        return t
    }
}
