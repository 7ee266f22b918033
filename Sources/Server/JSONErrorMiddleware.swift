import Hummingbird
import Logging
import Store

/// Gives the errors that carry no Kiln answer of their own a JSON `{"detail": "..."}` body:
/// Hummingbird's `HTTPError` (unknown route 404, wrong method, body too large 413) keeps its
/// status, a `DecodingError` is 422, any other non-HTTP error is a 500 whose cause is logged,
/// not shown. `APIError` and the domain errors (`JSONDetailError`s) pass through and answer themselves.
/// The database being unreachable (PostgresNIO connection, pool and shutdown errors), and a
/// statement cancelled by the statement timeout, are a 503 with `Retry-After`.
package struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    package init() {}

    package func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as any JSONDetailError {
            throw error
        } catch let error as HTTPError {
            throw APIError(error.status, error.body ?? error.status.reasonPhrase)
        } catch let error as any HTTPResponseError {
            throw APIError(error.status, error.status.reasonPhrase)
        } catch let error where DatabaseUnavailable.isUnavailable(error) {
            let cause = DatabaseUnavailable.cause(of: error) ?? "\(error)"
            context.logger.warning("request failed, database unreachable: \(cause)")
            throw APIError.databaseUnavailable(cause)
        } catch let error where isStatementCancelled(error) {
            context.logger.warning("request cancelled by the statement timeout: \(String(reflecting: error))")
            throw APIError(
                .serviceUnavailable,
                "The request's database work ran longer than the statement timeout (KILN_STATEMENT_TIMEOUT) "
                    + "and was cancelled; nothing was changed", retryAfter: 2)
        } catch let error as DecodingError {
            throw APIError(.unprocessableContent, RequestBody.describe(error))
        } catch {
            context.logger.error("request failed: \(String(reflecting: error))")
            throw APIError(.internalServerError, "Internal server error")
        }
    }
}

/// An `HTTPResponseError` whose answer already is Kiln's JSON `{"detail": ...}`.
protocol JSONDetailError: HTTPResponseError {}

extension APIError: JSONDetailError {}
