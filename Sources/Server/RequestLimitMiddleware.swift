import Hummingbird

/// Hands every request the body-size limit of `RequestLimits` (read by `RequestBody`).
struct RequestLimitMiddleware: RouterMiddleware {
    let limits: RequestLimits

    func handle(
        _ request: Request, context: KilnRequestContext,
        next: (Request, KilnRequestContext) async throws -> Response
    ) async throws -> Response {
        var context = context
        context.maxBodySize = limits.maxBodySize
        return try await next(request, context)
    }
}
