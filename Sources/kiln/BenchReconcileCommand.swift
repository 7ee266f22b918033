import ArgumentParser
import Foundation
import GitSource
import Logging
import NIOHTTP1
import PostgresNIO
import Pulp
import Reconciler
import Spec
import Store

/// `kiln bench reconcile`: no-op plan of 1,000 platforms x 10 repositories against a populated
/// database (and with the Pulp side when `KILN_PULP_URL` is set), Kiln's apply rate of 100 new
/// repositories to Pulp beside a bare client's rate in the same run, and trigger-to-applied
/// latency (p50/p95) of a one-platform change. Uses throwaway databases on the configured server
/// (the embedded cluster by default) and a throwaway git repository; removes them after.
struct BenchReconcileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcile",
        abstract: "Measure no-op plan time, Pulp apply rate vs a bare client, and change-to-applied latency.")

    @Option(help: "Output: text or json.") var format: OutputFormat = .text
    @Option(help: "Platforms in the generated desired state (10 repositories each).") var platforms: Int = 1000
    @Option(help: "New repositories applied to Pulp (and created by the bare client).") var pulpRepositories: Int = 100
    @Option(help: "One-platform changes measured for the latency figures.") var samples: Int = 20
    @OptionGroup var database: DatabaseOptions

    static let arches = ["x86_64", "aarch64", "ppc64le", "s390x", "i686"]

    struct Figures: Codable {
        var platforms: Int
        var repositories: Int
        var readMs: Double
        var initialApplyMs: Double
        var noopPlanMs: Double
        var noopPlanWithStoreMs: Double?
        var storeRepositoriesListed: Int?
        var pulpPairs: Int?
        var kilnPairsPerSecond: Double?
        var barePairsPerSecond: Double?
        var kilnVsBare: Double?
        var changeToAppliedP50Ms: Double
        var changeToAppliedP95Ms: Double
        var changeSamples: Int

        enum CodingKeys: String, CodingKey {
            case platforms, repositories
            case readMs = "read_ms", initialApplyMs = "initial_apply_ms", noopPlanMs = "noop_plan_ms"
            case noopPlanWithStoreMs = "noop_plan_with_store_ms", storeRepositoriesListed = "store_repositories_listed"
            case pulpPairs = "pulp_pairs", kilnPairsPerSecond = "kiln_pairs_per_second"
            case barePairsPerSecond = "bare_pairs_per_second", kilnVsBare = "kiln_vs_bare"
            case changeToAppliedP50Ms = "change_to_applied_p50_ms", changeToAppliedP95Ms = "change_to_applied_p95_ms"
            case changeSamples = "change_samples"
        }
    }

    func run() async throws {
        var logger = Logger(label: "kiln.bench.reconcile")
        logger.logLevel = .critical
        let embedded: EmbeddedPostgres?
        let server: DatabaseConfig
        if let url = database.resolvedURL {
            server = try DatabaseConfig(url: url)
            embedded = nil
        } else {
            let postgres = EmbeddedPostgres(directory: EmbeddedPostgres.directory(home: database.resolvedHome), logger: logger)
            server = try await postgres.start()
            embedded = postgres
        }
        let dbA = "kiln_bench_reconcile_\(getpid())"
        let dbB = dbA + "_pulp"
        let gitRoot = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-bench-reconcile-\(getpid())")
        func cleanup() async {
            for name in [dbA, dbB] { try? await admin(server, logger, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)") }
            try? FileManager.default.removeItem(at: gitRoot)
        }
        do {
            for name in [dbA, dbB] {
                try await admin(server, logger, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
                try await admin(server, logger, "CREATE DATABASE \(name)")
            }
            let figures = try await measure(server: server, dbA: dbA, dbB: dbB, gitRoot: gitRoot, logger: logger)
            await cleanup()
            try await embedded?.stop()
            report(figures)
        } catch {
            await cleanup()
            try? await embedded?.stop()
            throw error
        }
    }

    func admin(_ server: DatabaseConfig, _ logger: Logger, _ sql: String) async throws {
        try await KilnDatabase.withClient(config: server, logger: logger, migrate: false) { client in
            try await client.query(PostgresQuery(unsafeSQL: sql), logger: logger)
        }
    }

    func measure(server: DatabaseConfig, dbA: String, dbB: String, gitRoot: URL, logger: Logger) async throws -> Figures {
        progress("generating \(platforms) platforms x 10 repositories in a git repository...")
        try FileManager.default.createDirectory(at: gitRoot.appendingPathComponent("platforms"), withIntermediateDirectories: true)
        for i in 0..<platforms {
            try Data(Self.platformYAML(name: Self.platformName(i), version: "9", production: false).utf8)
                .write(to: gitRoot.appendingPathComponent("platforms/\(Self.platformName(i)).yml"))
        }
        try git(gitRoot, ["init", "-q", "-b", "main"])
        try git(gitRoot, ["add", "-A"])
        try git(gitRoot, ["commit", "-q", "-m", "bench"])
        let reader = DesiredStateReader(repository: try GitRepository(path: gitRoot.path))
        var t = ContinuousClock.now
        let first = try await reader.readValid()
        let readMs = ms(since: t)
        let repositories = Planner.desiredRepositories(first.result.state).count

        var figures = try await KilnDatabase.withClient(config: server.with(database: dbA), logger: logger, migrate: true) { client in
            let engine = ReconcileEngine(database: PostgresStateDatabase(client: client, logger: logger), store: nil, logger: logger)
            progress("populating the database (apply of \(repositories) repositories)...")
            t = ContinuousClock.now
            let applied = try await engine.reconcile(desired: first.result.state, commitSHA: first.commitSHA, trigger: "cli")
            guard applied.result == .applied else { throw BenchFailure("initial apply: \(applied.errors)") }
            let applyMs = ms(since: t)
            var planTimes: [Double] = []
            var readTimes: [Double] = [], fingerprintTimes: [Double] = []
            for _ in 0..<3 {
                t = ContinuousClock.now
                let actual = try await engine.readActualState()
                readTimes.append(ms(since: t))
                t = ContinuousClock.now
                _ = actual.fingerprint
                fingerprintTimes.append(ms(since: t))
            }
            progress("  read actual state \(readTimes.sorted()[1]) ms, fingerprint \(fingerprintTimes.sorted()[1]) ms")
            for _ in 0..<5 {
                t = ContinuousClock.now
                let plan = try await engine.plan(desired: first.result.state, commitSHA: first.commitSHA)
                planTimes.append(ms(since: t))
                guard !plan.hasChanges else { throw BenchFailure("the no-op plan has changes") }
            }
            // one-platform change -> applied, through the incremental reader
            progress("measuring \(samples) one-platform changes...")
            var latencies: [Double] = []
            for s in 0..<samples {
                let name = Self.platformName((s * 37) % platforms)
                try Data(Self.platformYAML(name: name, version: "9.\(s + 1)", production: false).utf8)
                    .write(to: gitRoot.appendingPathComponent("platforms/\(name).yml"))
                try git(gitRoot, ["commit", "-q", "-am", "change \(s)"])
                t = ContinuousClock.now
                let snapshot = try await reader.readValid()
                let result = try await engine.reconcile(desired: snapshot.result.state, commitSHA: snapshot.commitSHA,
                                                        trigger: "webhook")
                latencies.append(ms(since: t))
                guard result.result == .applied, result.plan?.toChange == 1 else {
                    throw BenchFailure("change \(s): \(result.result.rawValue) \(result.errors)")
                }
            }
            latencies.sort()
            return Figures(platforms: platforms, repositories: repositories, readMs: readMs, initialApplyMs: applyMs,
                           noopPlanMs: planTimes.sorted()[planTimes.count / 2],
                           changeToAppliedP50Ms: percentile(latencies, 0.50), changeToAppliedP95Ms: percentile(latencies, 0.95),
                           changeSamples: latencies.count)
        }

        guard case .pulp(let url, let user, let password) = ArtifactStoreConfig.fromEnvironment() else { return figures }
        let pulp = PulpArtifactStore(url: url, username: user, password: password, logger: logger)
        let bare = PulpClient(baseURL: url, username: user, password: password, logger: logger)
        let tag = "kb\(UInt32.random(in: 0..<UInt32.max))"
        let pairs = pulpRepositories
        var created: [String] = []
        do {
            // bare client: repository + distribution pairs, 8 in flight
            progress("bare client: \(pairs) repository+distribution pairs...")
            let bareNames = (0..<pairs).map { "\(tag)-bare-\($0)" }
            created += bareNames
            t = ContinuousClock.now
            _ = try await boundedMap(bareNames, maxConcurrent: 8) { name in
                // the same objects Kiln makes for an upstream-synced repository: remote, repository, distribution
                let remote = try await bare.write(.POST, "/pulp/api/v3/remotes/rpm/rpm/",
                                                  body: ["name": name, "url": "https://example.org/\(name)/"])
                let repo = try await bare.write(.POST, "/pulp/api/v3/repositories/rpm/rpm/",
                                                body: ["name": name, "remote": remote.first ?? ""])
                try await bare.write(.POST, "/pulp/api/v3/distributions/rpm/rpm/",
                                     body: ["name": name, "base_path": "bench/\(name)", "repository": repo.first ?? ""])
                return 0
            }
            let bareRate = Double(pairs) / (ms(since: t) / 1000)
            // Kiln: a desired state of pairs/10 platforms whose repositories sync from upstream (remotes)
            progress("kiln apply: \(pairs) new repositories...")
            var desired = DesiredState()
            let loc = SourceLocation(file: "bench", line: 1, column: 1)
            for p in 0..<max(1, pairs / 10) {
                let name = "\(tag)-p\(p)"
                desired.platforms.append(Platform(
                    name: name, type: "rpm", distrType: "rhel", distrVersion: "9", testDistName: "almalinux",
                    archList: Self.arches, data: [:],
                    repos: Self.arches.flatMap { arch in ["baseos", "appstream"].map {
                        PlatformRepo(name: "\(name)-\($0)", arch: arch, url: "https://example.org/\(name)/\($0)/\(arch)/",
                                     type: "rpm", debug: false, production: false, location: loc)
                    } }, location: loc))
            }
            let storeNames = Planner.desiredStoreRepositories(desired).keys.sorted()
            created += storeNames
            figures = try await KilnDatabase.withClient(config: server.with(database: dbB), logger: logger, migrate: true) { [figures] client in
                var f = figures
                let engine = ReconcileEngine(database: PostgresStateDatabase(client: client, logger: logger), store: pulp, logger: logger)
                t = ContinuousClock.now
                let applied = try await engine.reconcile(desired: desired, commitSHA: tag, trigger: "cli")
                let kilnMs = ms(since: t)
                guard applied.result == .applied else { throw BenchFailure("kiln apply to Pulp: \(applied.errors)") }
                f.pulpPairs = storeNames.count
                f.kilnPairsPerSecond = Double(storeNames.count) / (kilnMs / 1000)
                f.barePairsPerSecond = bareRate
                f.kilnVsBare = (f.kilnPairsPerSecond ?? 0) / bareRate
                return f
            }
            // no-op plan of the big state with Pulp's listing included
            figures = try await KilnDatabase.withClient(config: server.with(database: dbA), logger: logger, migrate: false) { [figures] client in
                var f = figures
                let engine = ReconcileEngine(database: PostgresStateDatabase(client: client, logger: logger), store: pulp, logger: logger)
                let snapshot = try await reader.readValid()
                t = ContinuousClock.now
                let plan = try await engine.plan(desired: snapshot.result.state, commitSHA: snapshot.commitSHA)
                f.noopPlanWithStoreMs = ms(since: t)
                f.storeRepositoriesListed = try await pulp.listManagedRepositories().count
                _ = plan
                return f
            }
        } catch {
            try? await pulp.deleteRepositories(named: created)
            try? await pulp.shutdown()
            try? await bare.shutdown()
            throw error
        }
        progress("removing the \(created.count) bench repositories from Pulp...")
        try? await pulp.deleteRepositories(named: created)
        try? await pulp.shutdown()
        try? await bare.shutdown()
        return figures
    }

    func report(_ f: Figures) {
        if format == .json {
            print((try? CommandOutput.json(f)) ?? "{}")
            return
        }
        func fmt(_ v: Double) -> String { String(format: "%.1f", v) }
        print("kiln bench reconcile: \(f.platforms) platforms, \(f.repositories) repositories")
        print("  read desired state from git (full):   \(fmt(f.readMs)) ms")
        print("  initial apply (database only):        \(fmt(f.initialApplyMs)) ms")
        print("  no-op plan, database only (median/5): \(fmt(f.noopPlanMs)) ms   (target < 1000 ms)")
        if let p = f.noopPlanWithStoreMs {
            print("  plan with Pulp listing included:      \(fmt(p)) ms   (\(f.storeRepositoriesListed ?? 0) managed Pulp repositories listed; target < 10000 ms)")
        } else {
            print("  plan with Pulp:                       skipped (KILN_PULP_URL not set)")
        }
        if let k = f.kilnPairsPerSecond, let b = f.barePairsPerSecond {
            print("  Pulp apply, \(f.pulpPairs ?? 0) repositories (remote + repository + distribution each), 8 in flight: kiln \(fmt(k))/s, bare client \(fmt(b))/s (\(String(format: "%.0f", (f.kilnVsBare ?? 0) * 100)) %; target >= 90 %)")
        }
        print("  one-platform change -> applied (incremental read + plan + apply, \(f.changeSamples) samples): p50 \(fmt(f.changeToAppliedP50Ms)) ms, p95 \(fmt(f.changeToAppliedP95Ms)) ms (target p95 < 1000 ms)")
    }

    static func platformName(_ i: Int) -> String { String(format: "bench-%05d", i) }

    /// A platform with 10 repositories: BaseOS and AppStream for five arches.
    static func platformYAML(name: String, version: String, production: Bool) -> String {
        var yaml = """
        name: \(name)
        type: rpm
        distr_type: rhel
        distr_version: '\(version)'
        test_dist_name: almalinux
        arch_list: [\(arches.joined(separator: ", "))]
        data:
          mock_dist: el9
          definitions: {dist: .el9, vendor: AlmaLinux}
        repos:

        """
        for arch in arches {
            for repo in ["BaseOS", "AppStream"] {
                yaml += """
                  - name: \(name)-\(repo.lowercased())
                    arch: \(arch)
                    url: https://repo.example.org/\(name)/\(repo)/\(arch)/os/
                    type: rpm
                    production: \(production)

                """
            }
        }
        return yaml
    }

    func git(_ dir: URL, _ args: [String]) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["git", "-C", dir.path, "-c", "user.name=kiln-bench", "-c", "user.email=bench@kiln.invalid",
                       "-c", "commit.gpgsign=false"] + args
        try p.run()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw BenchFailure("git \(args.joined(separator: " ")) exited \(p.terminationStatus)") }
    }
}

private func progress(_ s: String) { FileHandle.standardError.write(Data((s + "\n").utf8)) }

private func ms(since start: ContinuousClock.Instant) -> Double {
    let d = ContinuousClock.now - start
    return Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
}

private func percentile(_ sorted: [Double], _ p: Double) -> Double {
    guard !sorted.isEmpty else { return 0 }
    return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))]
}

private struct BenchFailure: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = "kiln bench reconcile: " + d }
}
