import Foundation
import Hummingbird
import Logging
import NIOCore
import VisitIntent

/// The HTTP API: `POST /v1/score`, `POST /v1/score/batch`, `GET /v1/model`,
/// `GET /healthz`, `GET /metrics`. Bodies are bounded; every error is JSON
/// with a 4xx status; nothing a client sends can crash the process.
public enum ScoreRoutes {
    public struct Limits: Sendable {
        public var maxBodyBytes = 1 << 20
        public init() {}
    }

    static func json(_ status: HTTPResponse.Status, _ bytes: [UInt8]) -> Response {
        Response(status: status, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func failure(_ status: Int, _ message: String) -> Response {
        json(HTTPResponse.Status(code: status), ScoringService.errorBody(status, message))
    }

    /// Reads the body, scores it with the current model, maps failures to JSON errors.
    ///
    /// `intent serve` runs tasks on NIO's event loops, so scoring a request holds
    /// its loop: right for one session (well under a millisecond), not for a
    /// batch (up to `--max-batch` sessions, each with TreeSHAP reasons), which
    /// would stall every connection on that loop. `offLoop` batches run on a
    /// Dispatch worker instead.
    static func handle(_ request: Request, limits: Limits, model: ModelHolder, offLoop: Bool = false,
                       _ work: @escaping @Sendable ([UInt8], ModelHolder.LoadedModel) throws -> [UInt8]) async -> Response {
        var request = request
        let buffer: ByteBuffer
        do { buffer = try await request.collectBody(upTo: limits.maxBodyBytes) } catch {
            return failure(413, "the body is larger than \(limits.maxBodyBytes) bytes")
        }
        let loaded = model.model  // taken once: a reload during this request does not affect it
        let body = Array(buffer.readableBytesView)
        let outcome: Result<[UInt8], any Error>
        if offLoop {
            outcome = await withCheckedContinuation { done in
                DispatchQueue.global().async { done.resume(returning: Result { try work(body, loaded) }) }
            }
        } else {
            outcome = Result { try work(body, loaded) }
        }
        do {
            return json(.ok, try outcome.get())
        } catch let f as ScoringService.Failure {
            return failure(f.status, f.message)
        } catch let e as FeatureSpecError {
            return failure(422, "\(e)")
        } catch {
            return failure(400, "the request cannot be scored")
        }
    }

    public static func router(model: ModelHolder, service: ScoringService, metrics: ServerMetrics, limits: Limits = Limits()) -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: MetricsMiddleware(metrics: metrics))
        router.post("/v1/score") { request, _ in
            await handle(request, limits: limits, model: model) { body, m in try service.score(body: body, model: m) }
        }
        router.post("/v1/score/batch") { request, _ in
            await handle(request, limits: limits, model: model, offLoop: true) { body, m in try service.scoreBatch(body: body, model: m) }
        }
        router.get("/v1/model") { _, _ in json(.ok, service.modelDescription(model.model)) }
        router.get("/healthz") { _, _ in json(.ok, ScoringService.encode(["status": "ok", "model": model.model.version])) }
        router.get("/metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"], body: .init(byteBuffer: ByteBuffer(string: metrics.text(model: model))))
        }
        return router
    }
}
