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
/// concurrent nodes at 10,000 and 1,000,000 idle tasks (`--quick`: 10,000 only), beside the bare
/// SQL claim statement measured in the same run on the same database.
struct BenchDispatchCommand: SettingsCommand {
    static let configuration = CommandConfiguration(
        commandName: "dispatch",
        abstract: "Measure get_task claims/s over HTTP beside the same claim statement run directly in SQL.")

    @Option(help: "Output: text or json.") var format: OutputFormat = .text
    @Option(help: "Comma-separated node counts.") var nodes: String = "1,8,32"
    @Option(help: "Claims measured per scenario.") var claims: Int = 3000
    @Flag(help: "Skip the 1,000,000-task run (populating it takes ~15 s here).") var quick = false
    @Option(help: "Comma-separated queue depths (overrides the defaults 10000,1000000).") var depths: String?
    @OptionGroup var database: DatabaseOptions

    struct Figures: Codable {
        var claimsPerSecond: Double
        var p50Ms: Double
        var p99Ms: Double
        var claims: Int
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
        var http: Figures
        var sql: Figures
        enum CodingKeys: String, CodingKey {
            case idleTasks = "idle_tasks"
            case nodes, http, sql
        }
    }

    func validate() throws {
        guard claims > 0 else { throw ValidationError("--claims must be positive") }
        guard !nodeCounts.isEmpty, nodeCounts.allSatisfy({ $0 > 0 }) else {
            throw ValidationError("--nodes: positive integers")
        }
        guard !queueDepths.isEmpty, queueDepths.allSatisfy({ $0 > 0 }) else {
            throw ValidationError("--depths: positive integers")
        }
    }

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
        let rows = try await Bench.withServer(database, settings: settings, logger: logger) { server in
            try await Bench.withScratchDatabases([name], on: server, logger: logger) {
                var rows: [Row] = []
                for depth in queueDepths {
                    rows += try await measure(depth: depth, config: server.with(database: name), logger: logger)
                }
                return rows
            }
        }
        report(rows)
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
            let total = depth + claimsPerRun * counts.count * 2
            Bench.progress("populating \(total) idle tasks...")
            _ = try await BuildBenchmarkSeed(client: client, logger: logger).seedIdleTasks(
                count: total, arches: ["x86_64"])
            try await client.query("VACUUM ANALYZE build_tasks", logger: logger)

            let tokens = try await TokenAuthority(secret: Array(UUID().uuidString.utf8) + Array(UUID().uuidString.utf8))
            let store = LocalArtifactStore(
                root: URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("kiln-bench-\(getpid())"))
            let dependencies = ServerDependencies(
                database: client, artifactStore: store, tokens: tokens, logger: logger)
            let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
            let app = KilnServer.makeApplication(dependencies, host: "127.0.0.1", port: 0) { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
            }
            let services = ServiceGroup(
                configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
            let serviceTask = Task { try await services.run() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next(), port > 0 else { throw ValidationError("the server did not start") }
            let http = HTTPClient(
                eventLoopGroupProvider: .singleton,
                configuration: .init(
                    connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)))
            var rows: [Row] = []
            do {
                for count in counts {
                    let token = try await tokens.issue(KilnClaims(sub: "bench-node", scope: .node))
                    // Each run starts from the same state: the previous run's dead rows vacuumed.
                    try await client.query("VACUUM build_tasks", logger: logger)
                    let httpFigures = try await run(nodes: count, claims: claimsPerRun) {
                        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/api/v1/build_node/get_task")
                        request.method = .POST
                        request.headers.add(name: "Authorization", value: "Bearer \(token)")
                        request.headers.add(name: "Content-Type", value: "application/json")
                        request.body = .bytes(ByteBuffer(string: #"{"supported_arches": ["x86_64"]}"#))
                        let response = try await http.execute(request, timeout: .seconds(30))
                        let body = try await response.body.collect(upTo: 1 << 20)
                        guard response.status == .ok, body.readableBytes > 4 else {
                            throw ValidationError("get_task answered \(response.status.code): \(String(buffer: body))")
                        }
                    }
                    let claimsStore = TaskClaims(client: client, logger: logger)
                    try await client.query("VACUUM build_tasks", logger: logger)
                    let sqlFigures = try await run(nodes: count, claims: claimsPerRun) {
                        guard try await claimsStore.claimRaw(arch: "x86_64", node: "bench-sql") != nil else {
                            throw ValidationError("the queue ran dry")
                        }
                    }
                    rows.append(Row(idleTasks: depth, nodes: count, http: httpFigures, sql: sqlFigures))
                }
            } catch {
                try? await http.shutdown()
                await services.triggerGracefulShutdown()
                _ = try? await serviceTask.value
                throw error
            }
            try await http.shutdown()
            await services.triggerGracefulShutdown()
            try await serviceTask.value
            try? FileManager.default.removeItem(at: await store.root)
            return rows
        }
    }

    /// Runs `claims` calls of `claim` from `nodes` concurrent loops; rate and latency percentiles.
    func run(nodes: Int, claims: Int, _ claim: @escaping @Sendable () async throws -> Void) async throws -> Figures {
        let counter = ClaimCounter(limit: claims)
        let start = ContinuousClock.now
        let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
            for _ in 0..<nodes {
                group.addTask {
                    var mine: [Double] = []
                    while await counter.take() {
                        let t0 = ContinuousClock.now
                        try await claim()
                        mine.append(Bench.ms(since: t0))
                    }
                    return mine
                }
            }
            var all: [Double] = []
            for try await part in group { all += part }
            return all
        }
        let seconds = (ContinuousClock.now - start).seconds
        let summary = LatencySummary(latencies)
        return Figures(
            claimsPerSecond: Double(summary.samples) / seconds, p50Ms: summary.p50Ms, p99Ms: summary.p99Ms,
            claims: summary.samples)
    }

    func report(_ rows: [Row]) {
        struct Output: Codable {
            var benchmark: String
            var results: [Row]
            var target: String
        }
        let output = Output(
            benchmark: "dispatch", results: rows,
            target: ">= 3000 get_task claims/s over HTTP with 8 nodes; 1,000,000 idle within 20% of 10,000")
        Bench.report(output, format: format) { printTable(rows) }
    }

    func printTable(_ rows: [Row]) {
        print(
            "kiln bench dispatch: get_task over HTTP vs the same claim statement without HTTP"
                + " (same run, same database)")
        print("idle tasks    nodes   HTTP claims/s   p50 ms   p99 ms   SQL claims/s   p50 ms   p99 ms")
        for row in rows {
            print(
                String(
                    format: "%10d  %7d   %13.0f  %7.2f  %7.2f   %12.0f  %7.2f  %7.2f",
                    row.idleTasks, row.nodes, row.http.claimsPerSecond, row.http.p50Ms, row.http.p99Ms,
                    row.sql.claimsPerSecond, row.sql.p50Ms, row.sql.p99Ms))
        }
        print("target: >= 3000 get_task claims/s with 8 nodes; the 1,000,000 rate within 20% of the 10,000 rate")
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
