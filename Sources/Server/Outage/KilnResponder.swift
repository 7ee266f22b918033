import Hummingbird
import NIOConcurrencyHelpers

/// The application's responder: the router of `KilnServer.makeRouter`, rebuilt on the
/// supervisor's current pool after the `DatabaseSupervisor` replaced it (an outage), so every
/// route's stores use the fresh pool. Without a supervisor the router is built once.
struct KilnResponder: HTTPResponder {
    typealias Context = KilnRequestContext

    let dependencies: ServerDependencies
    private let current: NIOLockedValueBox<(generation: Int, responder: RouterResponder<KilnRequestContext>)>

    init(_ dependencies: ServerDependencies) {
        self.dependencies = dependencies
        let generation = dependencies.databaseSupervisor?.generation ?? 0
        current = NIOLockedValueBox((generation, Self.build(dependencies)))
    }

    static func build(_ dependencies: ServerDependencies) -> RouterResponder<KilnRequestContext> {
        var dependencies = dependencies
        dependencies.database = dependencies.currentDatabase
        return KilnServer.makeRouter(dependencies).buildResponder()
    }

    func respond(to request: Request, context: KilnRequestContext) async throws -> Response {
        try await responder().respond(to: request, context: context)
    }

    /// The router for the supervisor's current pool.
    private func responder() -> RouterResponder<KilnRequestContext> {
        guard let supervisor = dependencies.databaseSupervisor else { return current.withLockedValue { $0.responder } }
        let generation = supervisor.generation
        return current.withLockedValue { current in
            if current.generation != generation {
                current = (generation, Self.build(dependencies))
            }
            return current.responder
        }
    }
}
