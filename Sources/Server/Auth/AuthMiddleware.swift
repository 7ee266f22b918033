import Foundation
import Hummingbird

/// Reads `Authorization: Bearer <JWT>`: a valid token sets `context.identity`, an invalid one
/// is answered 401 at once, no header leaves the identity empty for the route to decide.
package struct AuthMiddleware: RouterMiddleware {
    package typealias Context = KilnRequestContext
    let authority: TokenAuthority

    package init(authority: TokenAuthority) {
        self.authority = authority
    }

    package func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let header = request.headers[.authorization] else {
            return try await next(request, context)
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw APIError(.unauthorized, "Authorization header must be: Bearer <token>")
        }
        guard let identity = await authority.identity(for: String(parts[1]).trimmingCharacters(in: .whitespaces)) else {
            throw APIError(.unauthorized, "Invalid or expired token")
        }
        var context = context
        context.identity = identity
        return try await next(request, context)
    }
}
