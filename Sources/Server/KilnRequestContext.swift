import Foundation
import Hummingbird
import NIOCore

/// The request context of every Kiln route: Hummingbird's core storage plus the caller's identity.
///
///     router.get("/x") { request, context in
///         let who = try context.caller()   // RoutePermissions has already checked its rule
///     }
package struct KilnRequestContext: RequestContext {
    package var coreContext: CoreRequestContextStorage
    /// Set by `AuthMiddleware` when the request carried a valid bearer token.
    package var identity: Identity?
    /// Set by `PermissionMiddleware`: what the route's rule granted (nil before it ran).
    package var access: Access?
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

    /// The caller's identity (the route's rule in `RoutePermissions` asked for a token, so
    /// `PermissionMiddleware` has already refused a request without one: 401 here otherwise).
    package func caller() throws -> Identity {
        guard let identity else {
            throw APIError(.unauthorized, "Not authenticated: send Authorization: Bearer <token>")
        }
        return identity
    }

    /// Who the store checks ownership against: nil when the permission check granted the route
    /// on any object (admin, a role in the owning team), else the user who must be the creator.
    package var requestedBy: Int64? {
        if case .creatorOnly(let user) = access { return user }
        return nil
    }
}
