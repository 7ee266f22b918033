import Foundation
import Hummingbird
import NIOCore

/// The request context of every Kiln route: Hummingbird's core storage plus the caller's identity.
///
///     router.get("/x") { request, context in
///         let who = try context.requireScope(.user)
///     }
package struct KilnRequestContext: RequestContext {
    package var coreContext: CoreRequestContextStorage
    /// Set by `AuthMiddleware` when the request carried a valid bearer token.
    package var identity: Identity?
    /// The largest body `RequestBody` reads (set from `RequestLimits` by `RequestLimitMiddleware`).
    package var maxBodySize: Int = RequestLimits.defaultMaxBodySize
    /// The event loop of the request's connection (`EventLoopAffinityMiddleware`).
    package let eventLoop: (any EventLoop)?

    package init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.identity = nil
        self.eventLoop = source.channel.eventLoop
    }

    /// Typed answers are written with `WireJSON`'s encoder (PostgreSQL-style timestamps).
    package var responseEncoder: JSONEncoder { WireJSON.encoder() }

    /// The caller's identity when it holds one of `scopes` (an admin token passes every check).
    /// Throws 401 without a token and 403 with a token of another scope.
    @discardableResult
    package func requireScope(_ scopes: AuthScope...) throws -> Identity {
        guard let identity else {
            throw APIError(.unauthorized, "Not authenticated: send Authorization: Bearer <token>")
        }
        if identity.scope == .admin || scopes.contains(identity.scope) {
            return identity
        }
        let wanted = scopes.map(\.rawValue).joined(separator: " or ")
        throw APIError(.forbidden, "This endpoint needs a \(wanted) token, not a \(identity.scope.rawValue) token")
    }
}
