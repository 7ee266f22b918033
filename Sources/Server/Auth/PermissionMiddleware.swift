import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOFoundationEssentialsCompat
import Spec
import Store

/// The one permission check: runs for every routed request after `AuthMiddleware`, finds the
/// route's rule in `RoutePermissions` and enforces it, setting `context.access`. A route with
/// no rule is refused. Team roles and deactivated users come from the in-memory
/// `AccessDirectory`; only a rule on an existing object (a build's platforms) reads PostgreSQL.
package struct PermissionMiddleware: RouterMiddleware {
    package typealias Context = KilnRequestContext
    let directory: AccessDirectory
    let store: AccessStore

    package init(directory: AccessDirectory, store: AccessStore) {
        self.directory = directory
        self.store = store
    }

    package func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        // Not routed (404, /repos/ served before): nothing to check.
        guard let path = context.endpointPath, path != "NotFound" else { return try await next(request, context) }
        guard let rule = RoutePermissions.rule(request.method, path) else {
            context.logger.error("no permission rule for \(request.method) \(path): refused")
            throw APIError(.forbidden, "This route has no permission rule; it is refused")
        }
        var request = request
        var context = context
        if let identity = context.identity, let user = identity.userID,
            identity.scope == .user || identity.scope == .admin
        {
            if try await directory.snapshot(store).inactive.contains(user) {
                throw APIError(.unauthorized, "The token's user is deactivated")
            }
        }
        context.access = try await decide(rule.requirement, request: &request, context: context)
        return try await next(request, context)
    }

    /// Enforces `requirement`: throws 401/403, or returns what it granted.
    func decide(_ requirement: Requirement, request: inout Request, context: Context) async throws -> Access {
        switch requirement {
        case .everyone:
            return .granted
        case .scopes(let scopes):
            _ = try Self.identity(context, scopes: scopes)
            return .granted
        case .admin:
            let identity = try Self.identity(context, scopes: [])
            guard identity.scope == .admin else {
                throw APIError(.forbidden, "This endpoint needs an admin token, not a \(identity.scope.rawValue) token")
            }
            return .granted
        case .teamRole(let role, let source, let creatorMay):
            let identity = try Self.identity(context, scopes: [.user])
            if identity.scope == .admin { return .granted }
            guard let user = identity.userID else {
                throw APIError(.forbidden, "This endpoint needs a user token")
            }
            let platforms = try await self.platforms(source, request: &request, context: context)
            let snapshot = try await directory.snapshot(store)
            let owned = Set(platforms).filter { snapshot.owners[$0] != nil }.sorted()
            if !owned.isEmpty, owned.allSatisfy({ snapshot.user(user, holds: role, on: $0) }) { return .granted }
            if creatorMay { return .creatorOnly(userID: user) }
            guard let missing = owned.first(where: { !snapshot.user(user, holds: role, on: $0) }) else {
                return .granted  // no team owns these platforms
            }
            let teams = (snapshot.owners[missing] ?? []).sorted().joined(separator: ", ")
            throw APIError(
                .forbidden,
                "This needs the role \(role.rawValue) in a team owning platform \(missing) (\(teams)); "
                    + "teams are declared in teams/*.yml")
        }
    }

    /// The caller's identity when it holds one of `scopes` (an admin passes; empty: any token).
    static func identity(_ context: Context, scopes: [AuthScope]) throws -> Identity {
        guard let identity = context.identity else {
            throw APIError(.unauthorized, "Not authenticated: send Authorization: Bearer <token>")
        }
        if scopes.isEmpty || identity.scope == .admin || scopes.contains(identity.scope) { return identity }
        let wanted = scopes.map(\.rawValue).joined(separator: " or ")
        throw APIError(.forbidden, "This endpoint needs a \(wanted) token, not a \(identity.scope.rawValue) token")
    }

    /// The platforms of the rule's object. A body that cannot be read gives none: the route
    /// refuses it (400/422) before acting.
    private func platforms(
        _ source: Requirement.ObjectSource, request: inout Request, context: Context
    ) async throws -> [String] {
        func parameter(_ name: String) -> Int64? {
            context.parameters.get(name).flatMap { Int64($0) }.flatMap { $0 > 0 ? $0 : nil }
        }
        switch source {
        case .build(let name):
            guard let id = parameter(name) else { return [] }
            return try await store.platforms(of: .build(id))
        case .signTask(let name):
            guard let id = parameter(name) else { return [] }
            return try await store.platforms(of: .signTask(id))
        case .buildTask(let name):
            guard let id = parameter(name) else { return [] }
            return try await store.platforms(of: .buildTask(id))
        case .bodyBuild:
            guard case let object as [String: Any] = try await body(&request, context) else { return [] }
            let raw = object["build_id"]
            guard let id = (raw as? Int).map(Int64.init) ?? (raw as? Int64) ?? (raw as? NSNumber)?.int64Value, id > 0
            else { return [] }
            return try await store.platforms(of: .build(id))
        case .bodyPlatforms:
            guard case let object as [String: Any] = try await body(&request, context),
                let items = object["platforms"] as? [Any]
            else { return [] }
            return items.compactMap { ($0 as? [String: Any])?["name"] as? String }
        }
    }

    /// The JSON body, read once and put back for the route (its size limit as `RequestBody`'s).
    private func body(_ request: inout Request, _ context: Context) async throws -> Any? {
        let limit = context.maxBodySize
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit { return nil }
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw APIError(
                .contentTooLarge, "Request body is larger than the limit of \(limit) bytes (KILN_MAX_BODY_SIZE)")
        }
        let data = Data(buffer: buffer)
        guard (try? RequestBody.checkDepth(data)) != nil else { return nil }
        return try? JSONSerialization.jsonObject(with: data)
    }
}
