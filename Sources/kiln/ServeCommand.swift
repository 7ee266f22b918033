import ArgumentParser
import Artifacts
import CommandLineOptions
import Foundation
import Hummingbird
import Logging
import Server
import ServiceLifecycle
import Settings
import Store
import UnixSignals

/// `kiln serve`: the HTTP API, the stale-task sweeper and (with `--repo`) the reconcile loop,
/// in one ServiceGroup that shuts down gracefully on SIGINT/SIGTERM (stopping the embedded
/// PostgreSQL on the way out).
struct ServeCommand: SettingsCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the ALBS-compatible API (builds, build nodes, desired state).")

    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on (0: any free port).") var port = 8080
    @OptionGroup var database: DatabaseOptions

    @Option(help: "Desired-state git repository (path or URL) to reconcile from. Without it no reconcile loop runs.")
    var repo: String?
    @Option(help: "Folder inside the repository holding platforms/, releases/, ... (default: its root).")
    var path: String = ""
    @Option(help: "Branch, tag or SHA to follow (default: HEAD).")
    var ref: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    func validate() throws {
        guard Logger.Level(rawValue: logLevel) != nil else {
            let levels = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
            throw ValidationError("--log-level '\(logLevel)' is not one of: \(levels)")
        }
    }

    func run(settings: KilnSettings) async throws {
        var logger = Logger(label: "kiln")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        let home = database.home(settings)
        let tokens = try await tokenAuthority(settings: settings, home: home)
        let storeConfig = settings.artifactStore(home: home)
        let store = storeConfig.makeStore(logger: logger)
        let source = repo.map { DesiredStateSource(repository: $0, path: path, ref: ref) }
        let (host, port) = (self.host, self.port)
        let serviceLogger = logger

        do {
            try await withDatabaseConfig(settings: settings, logger: logger) { config in
                // migrate on a short-lived pool; the supervisor runs the serving pools
                // and read the revocation set before the first request
                try await KilnDatabase.withClient(config: config, logger: logger, migrate: true) { client in
                    let started = ContinuousClock.now
                    let snapshot = try await TokenRevocationStore(client: client, logger: logger).snapshot()
                    tokens.revocations.replace(with: snapshot, readSince: started)
                }
                // the serving pools cancel any statement past KILN_STATEMENT_TIMEOUT (503, rolled back)
                var served = config
                served.statementTimeout = settings.server.limits.statementTimeout
                let supervisor = DatabaseSupervisor(config: served, logger: serviceLogger)
                var dependencies = ServerDependencies(
                    database: supervisor.client, artifactStore: store, tokens: tokens, settings: settings.server,
                    logger: serviceLogger, desiredStateSource: source)
                dependencies.webhooks = settings.webhooks
                dependencies.databaseSupervisor = supervisor
                let reconcileLoop = try dependencies.attachReconcileLoop(
                    home: home, interval: settings.reconcileInterval, rules: settings.specRules,
                    faultKillAt: settings.faultKillAt, logger: serviceLogger)
                try await Self.failInterruptedRuns(config: config, logger: serviceLogger)
                // Revocations: loaded before the first request, then kept current (LISTEN/NOTIFY).
                let current = dependencies
                let revocationWatcher = RevocationWatcher(
                    revocations: tokens.revocations, reloadInterval: settings.revocationReload,
                    logger: serviceLogger
                ) { current.currentDatabase }
                let app = KilnServer.makeApplication(dependencies, host: host, port: port) { channel in
                    let bound = channel.localAddress?.port ?? port
                    serviceLogger.notice(
                        "kiln listening on http://\(host):\(bound) (artifacts: \(storeConfig.description))")
                }
                var services: [any Service] = [
                    supervisor, revocationWatcher, app, StaleTaskSweeper(dependencies),
                    BuildImportWorker(dependencies), SignVerificationWorker(dependencies),
                    ProjectRefresher(dependencies)
                ]
                // The reconcile loop (with --repo): once at start, then every KILN_RECONCILE_INTERVAL
                // and on POST /api/v1/reconcile and push webhooks.
                if let reconcileLoop { services.append(reconcileLoop) }
                let group = ServiceGroup(
                    configuration: .init(
                        services: services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) },
                        gracefulShutdownSignals: [.sigterm, .sigint],
                        logger: serviceLogger))
                try await group.run()
            }
        } catch {
            try? await store.shutdown()
            throw error
        }
        try await store.shutdown()
    }
}
