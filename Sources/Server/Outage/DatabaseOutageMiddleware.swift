import Hummingbird

/// Answers 503 with `Retry-After` at once while the `DatabaseSupervisor` reports the database
/// down, instead of letting the request wait for a connection; `/health` still answers.
struct DatabaseOutageMiddleware<Context: RequestContext>: RouterMiddleware {
    let supervisor: DatabaseSupervisor

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if request.uri.path != "/health", case .down(let cause) = supervisor.health {
            throw APIError.databaseUnavailable(cause)
        }
        return try await next(request, context)
    }
}
