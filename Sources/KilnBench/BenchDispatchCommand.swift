import ArgumentParser
import Artifacts
import AsyncHTTPClient
import CommandLineOptions
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import PostgresNIO
import Server
import ServiceLifecycle
import Settings
import Store

/// `kiln bench dispatch`: `get_task` claims/s and p50/p99 latency over HTTP for 1, 8 and 32
/// concurrent nodes at 10,000 and 1,000,000 idle tasks (`--quick`: 10,000 only), beside two SQL
/// references measured in the same run on the same database: the full answer statement
/// `get_task` runs (`TaskClaims.claimRaw`) and the bare claim alone (`BenchBareClaimStatement`).
/// Then the `build_done` rate of 8 nodes with the artifact import queued (and the queue's drain
/// time), and the time to create a 2,000-task build on an empty and on a 1,000,000-task table.
struct BenchDispatchCommand: SettingsCommand {
    static let configuration = CommandConfiguration(
        commandName: "dispatch",
        abstract: "Measure get_task claims/s over HTTP beside the same claim statement run directly in SQL.")

    @Option(help: "Output: text or json.") var format: OutputFormat = .text
    @Option(help: "Comma-separated node counts.") var nodes: String = "1,8,32"
    @Option(help: "Claims measured per scenario and round.") var claims: Int = 2000
    @Option(help: "Rounds: the four measurements take turns this many times; the median round is shown.")
    var rounds: Int = 5
    @Flag(help: "Skip the 1,000,000-task run (populating it takes ~15 s here).") var quick = false
    @Option(help: "Comma-separated queue depths (overrides the defaults 10000,1000000).") var depths: String?
    @Option(help: "build_done results sent by 8 nodes (default 2000; --quick 500; 0 skips).") var buildDone: Int?
    @Option(help: "Tasks in the large table of the creation benchmark (default 1000000; --quick 100000; 0 skips).")
    var creationTable: Int?
    @OptionGroup var database: DatabaseOptions

    struct Figures: Codable {
        var claimsPerSecond: Double
        var p50Ms: Double
        var p99Ms: Double
        var claims: Int

        /// The round with the median rate (its latencies with it).
        static func median(_ rounds: [Figures]) -> Figures {
            let sorted = rounds.sorted { $0.claimsPerSecond < $1.claimsPerSecond }
            return sorted[sorted.count / 2]
        }

        enum CodingKeys: String, CodingKey {
            case claimsPerSecond = "claims_per_second"
            case p50Ms = "p50_ms"
            case p99Ms = "p99_ms"
            case claims
        }
    }

    struct Row: Codable {
        var idleTasks: Int
        var nodes: Int
        /// `get_task` over HTTP from AsyncHTTPClient (one pool, a connection per node).
        var http: Figures
        /// `get_task` over HTTP from a bare SwiftNIO connection per node (`BenchNodeConnection`).
        var lean: Figures
        /// The full answer statement `get_task` runs, without HTTP.
        var sql: Figures
        /// The bare claim (UPDATE … RETURNING id), without the answer.
        var bare: Figures
        /// `ping` with no tasks over the lean client: the HTTP stack (auth, body, answer) without
        /// any database work, the ceiling of any node call on this machine.
        var ping: Figures
        enum CodingKeys: String, CodingKey {
            case idleTasks = "idle_tasks"
            case nodes, http, sql
            case lean = "http_lean_client"
            case bare = "bare_claim"
            case ping = "http_ping_no_database"
        }
    }

    func validate() throws {
        guard claims > 0 else { throw ValidationError("--claims must be positive") }
        guard rounds > 0 else { throw ValidationError("--rounds must be positive") }
        guard !nodeCounts.isEmpty, nodeCounts.allSatisfy({ $0 > 0 }) else {
            throw ValidationError("--nodes: positive integers")
        }
        guard !queueDepths.isEmpty, queueDepths.allSatisfy({ $0 > 0 }) else {
            throw ValidationError("--depths: positive integers")
        }
    }

    var roundCount: Int { max(1, rounds) }

    var nodeCounts: [Int] { nodes.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) } }
    var queueDepths: [Int] {
        if let depths {
            return depths.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        }
        return quick ? [10_000] : [10_000, 1_000_000]
    }

    func run(settings: KilnSettings) async throws {
        var logger = Logger(label: "kiln.bench.dispatch")
        logger.logLevel = .warning
        let name = "kiln_bench_dispatch_\(getpid())"
        let results = (buildDone ?? (quick ? 500 : 2000), creationTable ?? (quick ? 100_000 : 1_000_000))
        var buildDoneFigures: BuildDoneFigures?
        var creationFigures: CreationResult?
        let rows = try await Bench.withServer(database, settings: settings, logger: logger) { server in
            try await Bench.withScratchDatabases([name], on: server, logger: logger) {
                var rows: [Row] = []
                for depth in queueDepths {
                    rows += try await measure(depth: depth, config: server.with(database: name), logger: logger)
                }
                let config = server.with(database: name)
                try await KilnDatabase.withClient(config: config, logger: logger, migrate: true) { client in
                    if results.0 > 0 {
                        buildDoneFigures = try await measureBuildDone(
                            client: client, nodes: 8, results: results.0, workers: ImportSettings().workers,
                            logger: logger)
                    }
                    if results.1 > 0 {
                        creationFigures = try await measureCreation(
                            client: client, refs: 1000, largeTable: results.1, runs: 3, logger: logger)
                    }
                }
                return rows
            }
        }
        report(rows, buildDone: buildDoneFigures, creation: creationFigures)
    }

    func measure(depth: Int, config: DatabaseConfig, logger: Logger) async throws -> [Row] {
        var configuration = config.clientConfiguration
        configuration.options.maximumConnections = max(40, (nodeCounts.max() ?? 8) + 8)
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        let counts = nodeCounts
        let claimsPerRun = claims
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            try await Migrator.bundled(logger: logger).migrate(client)
            try await client.query("TRUNCATE builds, build_task_refs, build_tasks CASCADE", logger: logger)
            // Enough tasks that the queue never drops below `depth` during the runs.
            let total = depth + claimsPerRun * counts.count * 4 * roundCount
            Bench.progress("populating \(total) idle tasks...")
            _ = try await BuildBenchmarkSeed(client: client, logger: logger).seedIdleTasks(
                count: total, arches: ["x86_64"])
            try await client.query("VACUUM ANALYZE build_tasks", logger: logger)

            let root = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("kiln-bench-\(getpid())")
            let store = LocalArtifactStore(root: root)
            defer { try? FileManager.default.removeItem(at: root) }
            return try await BenchServer.with(client: client, store: store, logger: logger) { server in
                var rows: [Row] = []
                for count in counts {
                    let token = try await server.tokens.issue(KilnClaims(sub: "bench-node", scope: .node))
                    let claimsStore = TaskClaims(client: client, logger: logger)
                    var rounds: [[Figures]] = [[], [], [], [], []]
                    // The four measurements take turns, `rounds` times: a busy spell of the shared
                    // machine falls on all of them alike; each figure is the median round.
                    for _ in 0..<roundCount {
                        let measured = [
                            try await run(nodes: count, claims: claimsPerRun) {
                                let (status, body) = try await server.post(
                                    "/api/v1/build_node/get_task", token: token,
                                    body: #"{"supported_arches": ["x86_64"]}"#)
                                guard status == 200, body.readableBytes > 4 else {
                                    throw ValidationError("get_task answered \(status): \(String(buffer: body))")
                                }
                            },
                            try await runLean(nodes: count, claims: claimsPerRun, port: server.port, token: token),
                            try await run(nodes: count, claims: claimsPerRun) {
                                guard try await claimsStore.claimRaw(arch: "x86_64", node: "bench-sql") != nil else {
                                    throw ValidationError("the queue ran dry")
                                }
                            },
                            try await run(nodes: count, claims: claimsPerRun) {
                                guard
                                    try await BenchBareClaimStatement.claim(
                                        client, arch: "x86_64", node: "bench-bare", logger: logger) != nil
                                else { throw ValidationError("the queue ran dry") }
                            },
                            try await runLean(
                                nodes: count, claims: claimsPerRun, port: server.port, token: token,
                                path: "/api/v1/build_node/ping", body: #"{"active_tasks": []}"#)
                        ]
                        for (i, figures) in measured.enumerated() { rounds[i].append(figures) }
                        // The next round starts from the same state: this round's dead rows vacuumed.
                        try await client.query("VACUUM build_tasks", logger: logger)
                    }
                    let median = rounds.map(Figures.median)
                    rows.append(
                        Row(
                            idleTasks: depth, nodes: count, http: median[0], lean: median[1], sql: median[2],
                            bare: median[3], ping: median[4]))
                }
                return rows
            }
        }
    }

    /// Runs `claims` calls of `claim` from `nodes` concurrent loops; rate and latency percentiles.
    func run(nodes: Int, claims: Int, _ claim: @escaping @Sendable () async throws -> Void) async throws -> Figures {
        let counter = ClaimCounter(limit: claims)
        let start = ContinuousClock.now
        let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
            for _ in 0..<nodes {
                group.addTask { try await Self.loop(counter) { try await claim() } }
            }
            var all: [Double] = []
            for try await part in group { all += part }
            return all
        }
        return figures(latencies, since: start)
    }

    /// `get_task` from `nodes` loops, each on its own `BenchNodeConnection`: `claims` in all.
    func runLean(
        nodes: Int, claims: Int, port: Int, token: String, path: String = "/api/v1/build_node/get_task",
        body text: String = #"{"supported_arches": ["x86_64"]}"#
    ) async throws -> Figures {
        let counter = ClaimCounter(limit: claims)
        let connections = try await withThrowingTaskGroup(of: BenchNodeConnection.self) { group in
            for _ in 0..<nodes { group.addTask { try await BenchNodeConnection.connect(port: port) } }
            var all: [BenchNodeConnection] = []
            for try await connection in group { all.append(connection) }
            return all
        }
        let body = ByteBuffer(string: text)
        let start = ContinuousClock.now
        let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
            for connection in connections {
                group.addTask {
                    try await connection.run { session in
                        try await Self.loop(counter) {
                            let (status, answer) = try await session.post(path, token: token, body: body)
                            guard status == 200, answer.readableBytes > 4 else {
                                throw ValidationError("\(path) answered \(status): \(String(buffer: answer))")
                            }
                        }
                    }
                }
            }
            var all: [Double] = []
            for try await part in group { all += part }
            return all
        }
        return figures(latencies, since: start)
    }

    /// One node's loop: `claim` while `counter` hands out claims; each call's latency in ms.
    static func loop(_ counter: ClaimCounter, _ claim: () async throws -> Void) async throws -> [Double] {
        var mine: [Double] = []
        while await counter.take() {
            let t0 = ContinuousClock.now
            try await claim()
            mine.append(Bench.ms(since: t0))
        }
        return mine
    }

    /// Rate and latency percentiles of `latencies` measured since `start`.
    func figures(_ latencies: [Double], since start: ContinuousClock.Instant) -> Figures {
        let seconds = (ContinuousClock.now - start).seconds
        let summary = LatencySummary(latencies)
        return Figures(
            claimsPerSecond: Double(summary.samples) / seconds, p50Ms: summary.p50Ms, p99Ms: summary.p99Ms,
            claims: summary.samples)
    }

    func report(_ rows: [Row], buildDone: BuildDoneFigures?, creation: CreationResult?) {
        struct Output: Codable {
            var benchmark: String
            var results: [Row]
            var buildDone: BuildDoneFigures?
            var buildCreation: CreationResult?
            var target: String
            enum CodingKeys: String, CodingKey {
                case benchmark, results, target
                case buildDone = "build_done"
                case buildCreation = "build_creation"
            }
        }
        let output = Output(
            benchmark: "dispatch", results: rows, buildDone: buildDone, buildCreation: creation,
            target:
                "get_task >= 60% of the bare claim with 8 and 32 nodes; 1,000,000 idle within 20% of 10,000;"
                + " build_done >= 500/s with 8 nodes; creating 2,000 tasks on 1,000,000 within 20% of empty")
        Bench.report(output, format: format) {
            printTable(rows)
            if let buildDone { printBuildDone(buildDone) }
            if let creation { printCreation(creation) }
        }
    }

    func printBuildDone(_ f: BuildDoneFigures) {
        print("")
        print(
            "build_done over HTTP, \(f.nodes) nodes, \(f.artifactsPerResult) artifact each, import queued"
                + " (\(f.results) results)")
        print(
            String(
                format: "answered: %.0f/s  p50 %.2f ms  p99 %.2f ms   (target >= 500/s)", f.answered.claimsPerSecond,
                f.answered.p50Ms, f.answered.p99Ms))
        print(
            String(
                format: "queue drained in %.2f s by %d import workers: %.0f imports/s", f.drainSeconds,
                f.importWorkers, f.importsPerSecond) + " (\(f.store) artifact store)")
    }

    func printCreation(_ c: CreationResult) {
        print("")
        print("build creation (POST /api/v1/builds/, \(c.empty.tasks) tasks; median of \(c.empty.runs.count))")
        print(String(format: "empty task table:      %.3f s", c.empty.medianSeconds))
        print(String(format: "%9d tasks present: %.3f s", c.large.existingTasks, c.large.medianSeconds))
        print(String(format: "ratio: %.2f (target: within 20%%, <= 1.20)", c.ratio))
    }

    func printTable(_ rows: [Row]) {
        print(
            "kiln bench dispatch: get_task over HTTP vs, without HTTP, the full answer statement (answer SQL)"
                + " and the bare claim alone (bare SQL); same run, same database")
        print(
            "idle tasks    nodes   HTTP claims/s   p50 ms   p99 ms   lean HTTP/s   p50 ms   p99 ms   answer SQL/s"
                + "   p50 ms   bare SQL/s   p50 ms   ping/s   HTTP % bare   lean % bare   lean % answer")
        for row in rows {
            print(
                String(
                    format:
                        "%10d  %7d   %13.0f  %7.2f  %7.2f   %11.0f  %7.2f  %7.2f   %12.0f  %7.2f   %10.0f  %7.2f"
                        + "  %7.0f   %10.0f%%   %10.0f%%   %12.0f%%",
                    row.idleTasks, row.nodes, row.http.claimsPerSecond, row.http.p50Ms, row.http.p99Ms,
                    row.lean.claimsPerSecond, row.lean.p50Ms, row.lean.p99Ms,
                    row.sql.claimsPerSecond, row.sql.p50Ms, row.bare.claimsPerSecond, row.bare.p50Ms,
                    row.ping.claimsPerSecond, row.http.claimsPerSecond / row.bare.claimsPerSecond * 100,
                    row.lean.claimsPerSecond / row.bare.claimsPerSecond * 100,
                    row.lean.claimsPerSecond / row.sql.claimsPerSecond * 100))
        }
        print(
            "target: get_task >= 60% of the bare claim with 8 and 32 nodes; the 1,000,000 rate within 20% of the"
                + " 10,000 rate")
        let eight = rows.filter { $0.nodes == 8 }
        if let small = eight.first(where: { $0.idleTasks == 10_000 }),
            let large = eight.first(where: { $0.idleTasks == 1_000_000 })
        {
            print(
                String(
                    format: "8 nodes: 1,000,000 idle at %.0f%% of the 10,000 rate",
                    large.http.claimsPerSecond / small.http.claimsPerSecond * 100))
        }
    }
}

/// Hands out at most `limit` claims across the benchmark's loops.
actor ClaimCounter {
    private var left: Int
    init(limit: Int) { left = limit }
    func take() -> Bool {
        guard left > 0 else { return false }
        left -= 1
        return true
    }
}
