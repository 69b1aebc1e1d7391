import Foundation
import Hummingbird
import Logging
import NIOCore
import VisitIntent

/// Counts every answer by status and times it; unknown routes answer JSON 404.
struct MetricsMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext
    let metrics: ServerMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = DispatchTime.now()
        func seconds() -> Double { Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9 }
        do {
            let response = try await next(request, context)
            metrics.record(status: response.status.code, seconds: seconds())
            return response
        } catch let error as HTTPError {
            metrics.record(status: error.status.code, seconds: seconds())
            return ScoreRoutes.failure(error.status.code, error.status.code == 404 ? "no such route" : (error.body ?? error.status.reasonPhrase))
        } catch {
            metrics.record(status: 500, seconds: seconds())
            return ScoreRoutes.failure(500, "internal error")
        }
    }
}
