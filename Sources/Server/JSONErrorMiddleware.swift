import Foundation
import Hummingbird
import Logging
import PostgresNIO
import Artifacts
import Store

/// Turns every error thrown below it into a JSON `{"detail": "..."}` answer with the right status:
/// `APIError` and Hummingbird's `HTTPError` keep their status, a `DecodingError` is 422,
/// anything else is a 500 whose cause is logged, not shown.
public struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return Self.response(error.status, error.detail, extra: error.extra)
        } catch let error as HTTPError {
            let detail = error.body ?? error.status.reasonPhrase
            return Self.response(error.status, detail)
        } catch let error as BuildStoreError {
            switch error {
            case .notFound(let detail): return Self.response(.notFound, detail)
            case .conflict(let detail): return Self.response(.conflict, detail, extra: ["ok": false])
            case .invalid(let detail): return Self.response(.unprocessableContent, detail)
            case .forbidden(let detail): return Self.response(.forbidden, detail)
            }
        } catch let error as ArtifactStoreError {
            switch error {
            case .artifactNotFound, .checksumMismatch, .invalidName, .invalidPackage:
                return Self.response(.unprocessableContent, error.description)
            default:
                context.logger.error("artifact store: \(error)")
                return Self.response(.badGateway, error.description)
            }
        } catch let error as DecodingError {
            return Self.response(.unprocessableContent, RequestBody.describe(error))
        } catch let error as any HTTPResponseError {
            return Self.response(error.status, error.status.reasonPhrase)
        } catch {
            context.logger.error("request failed: \(String(reflecting: error))")
            return Self.response(.internalServerError, "Internal server error")
        }
    }

    /// A JSON error answer.
    static func response(_ status: HTTPResponse.Status, _ detail: String, extra: [String: Bool] = [:]) -> Response {
        var object: [String: Any] = ["detail": detail]
        for (key, value) in extra { object[key] = value }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: data))
        )
    }
}
