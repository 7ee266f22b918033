import Artifacts
import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Store

/// Builds Kiln's Hummingbird application: the JSON error middleware, bearer-token auth and the
/// routes of every ALBS router under `/api/v1`.
///
///     let app = KilnServer.makeApplication(dependencies, host: "127.0.0.1", port: 8080)
///     try await app.runService()
package enum KilnServer {
    /// The router with every Kiln route registered.
    package static func makeRouter(_ dependencies: ServerDependencies) -> Router<KilnRequestContext> {
        let router = Router(context: KilnRequestContext.self)
        router.add(middleware: JSONErrorMiddleware<KilnRequestContext>())
        if let local = dependencies.artifactStore as? LocalArtifactStore {
            router.add(middleware: LocalRepositoryMiddleware(store: local))  // /repos/: files, no database
        }
        if let supervisor = dependencies.databaseSupervisor {
            router.add(middleware: DatabaseOutageMiddleware<KilnRequestContext>(supervisor: supervisor))
        }
        router.add(middleware: RequestLimitMiddleware(limits: dependencies.settings.limits))
        router.add(middleware: AuthMiddleware(authority: dependencies.tokens))
        // The one permission check, every route's rule in `RoutePermissions`.
        router.add(
            middleware: PermissionMiddleware(
                directory: dependencies.access,
                store: AccessStore(client: dependencies.database, logger: dependencies.logger)))
        router.get("/health") { request, context -> Response in
            let (status, answer) = await health(dependencies)
            var response = try WireJSON.encoder().encode(answer, from: request, context: context)
            response.status = status
            if status == .serviceUnavailable { response.headers[.retryAfter] = "2" }
            return response
        }
        addOpenAPIRoute(to: router)
        let api = router.group("api/v1")
        let workflow = BuildWorkflow(dependencies)
        addBuildRoutes(to: api.group("builds"), workflow: workflow)
        addBuildNodeRoutes(to: api.group("build_node"), workflow: workflow)
        addSignTaskRoutes(to: api.group("sign-tasks"), workflow: SignWorkflow(dependencies))
        addTestTaskRoutes(to: api.group("tests"), workflow: TestWorkflow(dependencies))
        addReleaseRoutes(
            to: api.group("releases"),
            queries: ReleaseQueries(client: dependencies.database, logger: dependencies.logger),
            git: GitManaged(source: dependencies.desiredStateSource), limits: dependencies.settings.limits)
        let users = UserStore(client: dependencies.database)
        let teams = TeamQueries(client: dependencies.database, logger: dependencies.logger)
        addTeamRoutes(
            teams: api.group("teams"), roles: api.group("roles"), queries: teams, users: users,
            git: GitManaged(source: dependencies.desiredStateSource))
        addUserRoutes(to: api.group("users"), store: users, teams: teams, access: dependencies.access)
        addAuditRoutes(
            to: api.group("audit"), store: AuditStore(client: dependencies.database, logger: dependencies.logger),
            limits: dependencies.settings.limits)
        addAuthRoutes(to: api.group("auth"), dependencies: dependencies)
        addProjectRoutes(to: api.group("projects"), dependencies: dependencies)
        // Platforms, distributions, repositories, sign keys, reconcile runs, webhooks (Reconciler side).
        addDesiredStateRoutes(to: api, dependencies: dependencies)
        return router
    }

    /// The application serving `makeRouter(dependencies)` on `host:port` (port 0: any free port,
    /// reported through `onServerRunning`). `services` run beside the server in its ServiceGroup.
    /// A connection that completes no request head (or body part) and writes no answer for
    /// `limits.idleTimeout` is closed: half-open clients and idle keep-alive connections are dropped.
    package static func makeApplication(
        _ dependencies: ServerDependencies,
        host: String = "127.0.0.1",
        port: Int = 8080,
        services: [any Service] = [],
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let local = dependencies.artifactStore as? LocalArtifactStore
        // The local store's repositories are served here: their URLs name this server.
        if port != 0 { local?.serve(at: servedRepositoriesURL(host: host, port: port)) }
        return Application(
            responder: KilnResponder(dependencies),
            server: .http1(configuration: .init(idleTimeout: TimeAmount(dependencies.settings.limits.idleTimeout))),
            configuration: .init(address: .hostname(host, port: port), serverName: "kiln"),
            services: services,
            onServerRunning: { channel in
                if let local, let bound = channel.localAddress?.port {
                    local.serve(at: servedRepositoriesURL(host: host, port: bound))
                }
                await onServerRunning(channel)
            },
            logger: dependencies.logger
        )
    }

    /// `http://host:port/repos/`, where the local store's repositories are served; a wildcard
    /// address (`0.0.0.0`, `::`) is named by this machine's host name.
    package static func servedRepositoriesURL(host: String, port: Int) -> String {
        var name = host
        if ["0.0.0.0", "::", "[::]", ""].contains(host) { name = ProcessInfo.processInfo.hostName }
        if name.contains(":") && !name.hasPrefix("[") { name = "[\(name)]" }
        return "http://\(name):\(port)/\(LocalRepositoryMiddleware.prefix)/"
    }
}
