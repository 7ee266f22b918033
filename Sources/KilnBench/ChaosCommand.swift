import ArgumentParser
import Artifacts
import AsyncHTTPClient
import CommandLineOptions
import Foundation
import Logging
import PostgresNIO
import Server
import Settings
import Statuses
import Store

/// `kiln bench chaos`: the dispatch half of the chaos suite (`make chaos`, `scripts/chaos.sh`).
/// Seeds `--tasks` idle tasks, runs `--nodes` simulated build nodes against every `--servers`
/// URL while the script kills and restarts servers, restarts PostgreSQL and stops Pulp, and
/// then compares what the nodes logged with the database: tasks lost, claimed twice, finished
/// twice, results dropped, stuck past the node timeout, 5xx seen. Exit status 1 unless all are 0.
struct ChaosCommand: SettingsCommand {
    static let configuration = CommandConfiguration(
        commandName: "chaos",
        abstract: "Run simulated build nodes against Kiln servers under chaos and count what went wrong.",
        discussion: """
            Run by scripts/chaos.sh (make chaos), which starts the servers, PostgreSQL and Pulp and \
            breaks them during the run. The database is KILN_DATABASE_URL (or --database-url), the \
            artifact store KILN_PULP_URL, the token secret KILN_JWT_SECRET, the node timeout \
            KILN_NODE_TIMEOUT: the same settings the servers get.
            """)

    @Option(help: "Comma-separated base URLs of the kiln servers.") var servers: String
    @Option(help: "Idle tasks to seed and see finished.") var tasks: Int = 10_000
    @Option(help: "Simulated build nodes.") var nodes: Int = 64
    @Option(help: "Comma-separated arches the tasks and nodes use.") var arches: String = "x86_64,aarch64"
    @Option(help: "Give up after this many seconds.") var deadline: Int = 900
    @Option(help: "Every n-th task reports a log artifact (imported into the artifact store); 0: none.")
    var artifactEvery: Int = 20
    @Option(help: "Longest simulated build, in milliseconds.") var maxBuildMs: Int = 1500
    @Option(help: "Write one JSON line per node event (claim, finish, 5xx, connection error) here.")
    var log: String?
    @Option(help: "Output: text or json.") var format: OutputFormat = .text
    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        guard tasks > 0, nodes > 0, deadline > 0, artifactEvery >= 0, maxBuildMs > 0 else {
            throw ValidationError("--tasks, --nodes, --deadline, --max-build-ms must be positive")
        }
        guard !serverURLs.isEmpty else { throw ValidationError("--servers: at least one URL") }
        guard !archList.isEmpty else { throw ValidationError("--arches: at least one arch") }
    }

    var serverURLs: [String] { servers.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }
    var archList: [String] { arches.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }

    func run(settings: KilnSettings) async throws {
        var logger = Logger(label: "kiln.bench.chaos")
        logger.logLevel = .critical
        let home = database.home(settings)
        let secret: [UInt8]
        do { secret = try JWTSecret.load(configured: settings.jwtSecret, home: home) } catch {
            throw ValidationError("\(error)")
        }
        let tokens = try await TokenAuthority(secret: secret)
        let store = settings.artifactStore(home: home).makeStore(logger: logger)
        let ledger = try ChaosLedger(logPath: log)
        let timeout = settings.server.nodeTimeout.seconds
        // A task is stuck once its lease is older than the node timeout plus one sweep period
        // (the sweeper looks that often) plus 2 s of slack.
        let stuckAfter = timeout + settings.server.sweepInterval.seconds + 2
        let plan = ChaosPlan(arches: archList, maxBuildMs: maxBuildMs, artifactEvery: artifactEvery)
        let figures = try await database.withClient(settings: settings, logger: logger, migrate: true) { client in
            Bench.progress("seeding \(tasks) idle tasks...")
            let buildID = try await BuildBenchmarkSeed(client: client, logger: logger).seedIdleTasks(
                count: tasks, arches: archList, platform: "chaos-platform", username: "chaos")
            let http = HTTPClient(
                eventLoopGroupProvider: .singleton,
                configuration: .init(
                    timeout: .init(connect: .seconds(2)),
                    connectionPool: .init(
                        idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: nodes * 2)))
            var chaosNodes: [ChaosNode] = []
            for index in 0..<nodes {
                let name = String(format: "chaos-node-%02d", index)
                let token = try await tokens.issue(KilnClaims(sub: name, scope: .node))
                chaosNodes.append(
                    ChaosNode(
                        name: name, token: token, servers: serverURLs, first: index % serverURLs.count, http: http,
                        store: store, ledger: ledger, plan: plan))
            }
            let watch = ChaosWatch(client: client, buildID: buildID, stuckAfter: stuckAfter, logger: logger)
            let start = ContinuousClock.now
            Bench.progress(
                "build \(buildID): \(nodes) nodes on \(serverURLs.joined(separator: " ")), node timeout \(Int(timeout)) s"
            )
            let drained = await withTaskGroup(of: Void.self) { group in
                for node in chaosNodes { group.addTask { await node.run() } }
                group.addTask { await watch.sample() }
                let drained = await watch.waitUntilFinished(deadline: .seconds(deadline), ledger: ledger)
                group.cancelAll()
                return drained
            }
            let seconds = (ContinuousClock.now - start).seconds
            try? await http.shutdown()
            await ledger.close()
            Bench.progress("comparing the nodes' log with the database...")
            let rows = try await watch.finalRows()
            return await ChaosFigures.compute(
                rows: rows, ledger: ledger, watch: watch, tasks: tasks, nodes: nodes, servers: serverURLs.count,
                seconds: seconds, drained: drained, nodeTimeout: timeout, stuckAfter: stuckAfter)
        }
        try? await store.shutdown()
        Bench.report(figures, format: format) { figures.printText() }
        if !figures.passed { throw ExitCode(1) }
    }
}
