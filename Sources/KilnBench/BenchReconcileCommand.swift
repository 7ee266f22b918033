import ArgumentParser
import Artifacts
import CommandLineOptions
import Foundation
import GitSource
import Logging
import NIOHTTP1
import PostgresNIO
import Reconciler
import Settings
import Spec
import Statuses
import Store

/// `kiln bench reconcile`: no-op plan of 1,000 platforms x 10 repositories against a populated
/// database (and with the Pulp side when `KILN_PULP_URL` is set), Kiln's apply rate of 100 new
/// repositories to Pulp beside a bare client's rate in the same run, change-to-applied latency of
/// a one-platform change through the engine, and webhook-to-applied latency through the real
/// server (signed GitHub push -> reconcile loop -> git fetch -> incremental read -> apply, polled
/// in PostgreSQL). Uses throwaway databases on the configured server (the embedded cluster by
/// default) and a throwaway git repository; removes them after.
///
///     kiln bench reconcile [--format json] [--webhook-only] [--pulp-seed]
struct BenchReconcileCommand: SettingsCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcile",
        abstract: "Measure no-op plan time, Pulp apply rate vs a bare client, and change-to-applied latency.")

    @Option(help: "Output: text or json.") var format: OutputFormat = .text
    @Option(help: "Platforms in the generated desired state (10 repositories each).") var platforms: Int = 1000
    @Option(help: "New repositories applied to Pulp (and created by the bare client).") var pulpRepositories: Int = 100
    @Option(help: "One-platform changes measured for each latency figure.") var samples: Int = 20
    @Flag(help: "Measure only the webhook-to-applied latency (after an untimed initial apply).") var webhookOnly = false
    @Flag(
        help:
            "Bench seeding: bulk-create the generated state's Pulp objects with Pulp's own pulpcore-manager (PULP_SETTINGS, /tmp/pulp-venv), so the no-op plan with Pulp covers every repository; removed after."
    )
    var pulpSeed = false
    @OptionGroup var database: DatabaseOptions

    static let arches = BenchStateGenerator.arches

    /// What the benchmark prints; parts not measured in a run are absent.
    struct Figures: Codable {
        var benchmark = "reconcile"
        var platforms: Int
        var repositories: Int
        var readMs: Double?
        var initialApplyMs: Double?
        var noopPlanMs: Double?
        var noopPlanWithStoreMs: Double?
        var noopPlanWithStoreChanges: Int?
        var storeRepositoriesListed: Int?
        var storeSeedMs: Double?
        var storeRepositoriesSeeded: Int?
        /// One `listManagedRepositories()` alone: repositories, distributions and remotes, pages of 1,000.
        var storeListMs: Double?
        var storeListPages: Int?
        var pulpPairs: Int?
        var kilnPairsPerSecond: Double?
        var barePairsPerSecond: Double?
        var kilnVsBare: Double?
        var changeToApplied: LatencySummary?
        var webhookToApplied: LatencySummary?
        /// The reconcile runs behind the webhook samples: fetch excluded, plan + apply as recorded.
        var webhookRunDuration: LatencySummary?

        enum CodingKeys: String, CodingKey {
            case benchmark, platforms, repositories
            case readMs = "read_ms"
            case initialApplyMs = "initial_apply_ms"
            case noopPlanMs = "noop_plan_ms"
            case noopPlanWithStoreMs = "noop_plan_with_store_ms"
            case storeRepositoriesListed = "store_repositories_listed"
            case noopPlanWithStoreChanges = "noop_plan_with_store_changes"
            case storeSeedMs = "store_seed_ms"
            case storeRepositoriesSeeded = "store_repositories_seeded"
            case storeListMs = "store_list_ms"
            case storeListPages = "store_list_pages"
            case pulpPairs = "pulp_pairs"
            case kilnPairsPerSecond = "kiln_pairs_per_second"
            case barePairsPerSecond = "bare_pairs_per_second"
            case kilnVsBare = "kiln_vs_bare"
            case changeToApplied = "change_to_applied"
            case webhookToApplied = "webhook_to_applied"
            case webhookRunDuration = "webhook_run_duration"
        }
    }

    func validate() throws {
        guard platforms > 0 else { throw ValidationError("--platforms must be positive") }
        guard samples > 0 else { throw ValidationError("--samples must be positive") }
        guard pulpRepositories > 0 else { throw ValidationError("--pulp-repositories must be positive") }
    }

    func run(settings: KilnSettings) async throws {
        var logger = Logger(label: "kiln.bench.reconcile")
        logger.logLevel = .critical
        let dbA = "kiln_bench_reconcile_\(getpid())"
        let dbB = dbA + "_pulp"
        let gitRoot = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-bench-reconcile-\(getpid())")
        defer { try? FileManager.default.removeItem(at: gitRoot) }
        let figures = try await Bench.withServer(database, settings: settings, logger: logger) { server in
            try await Bench.withScratchDatabases([dbA, dbB], on: server, logger: logger) {
                Bench.progress("generating \(platforms) platforms x 10 repositories in a git repository...")
                try BenchStateGenerator.writeReconcileState(platforms: platforms, into: gitRoot)
                try BenchGit.commitAll(in: gitRoot.path)
                var figures = Figures(platforms: platforms, repositories: platforms * 10)
                if !webhookOnly {
                    figures = try await measureDatabase(
                        figures, config: server.with(database: dbA), gitRoot: gitRoot,
                        logger: logger)
                    figures = try await measurePulp(
                        figures, server: server, dbA: dbA, dbB: dbB, gitRoot: gitRoot,
                        settings: settings, logger: logger)
                }
                return try await measureWebhook(
                    figures, config: server.with(database: dbA), gitRoot: gitRoot,
                    logger: logger)
            }
        }
        Bench.report(figures, format: format) { printTable(figures) }
    }

    /// Full read, initial apply, no-op plans and one-platform changes through the engine (database only).
    func measureDatabase(_ start: Figures, config: DatabaseConfig, gitRoot: URL, logger: Logger) async throws -> Figures
    {
        let reader = DesiredStateReader(repository: try GitRepository(path: gitRoot.path))
        var t = ContinuousClock.now
        let first = try await reader.readValid()
        let readMs = Bench.ms(since: t)
        let repositories = Planner.desiredRepositories(first.result.state).count
        return try await KilnDatabase.withClient(config: config, logger: logger, migrate: true) { [start] client in
            var f = start
            f.readMs = readMs
            f.repositories = repositories
            let engine = ReconcileEngine(
                database: PostgresStateDatabase(client: client, logger: logger), store: nil, logger: logger)
            Bench.progress("populating the database (apply of \(repositories) repositories)...")
            t = ContinuousClock.now
            let applied = try await engine.reconcile(
                desired: first.result.state, commitSHA: first.commitSHA, trigger: "cli")
            guard applied.result == .applied else {
                throw BenchFailure("reconcile", "initial apply: \(applied.errors)")
            }
            f.initialApplyMs = Bench.ms(since: t)
            var readTimes: [Double] = []
            var fingerprintTimes: [Double] = []
            for _ in 0..<3 {
                t = ContinuousClock.now
                let actual = try await engine.readActualState()
                readTimes.append(Bench.ms(since: t))
                t = ContinuousClock.now
                _ = actual.fingerprint
                fingerprintTimes.append(Bench.ms(since: t))
            }
            Bench.progress(
                "  read actual state \(Bench.fmt(readTimes.sorted()[1])) ms, fingerprint \(Bench.fmt(fingerprintTimes.sorted()[1])) ms"
            )
            var planTimes: [Double] = []
            for _ in 0..<5 {
                t = ContinuousClock.now
                let plan = try await engine.plan(desired: first.result.state, commitSHA: first.commitSHA)
                planTimes.append(Bench.ms(since: t))
                guard !plan.hasChanges else { throw BenchFailure("reconcile", "the no-op plan has changes") }
            }
            f.noopPlanMs = planTimes.sorted()[planTimes.count / 2]
            // one-platform change -> applied, through the incremental reader and the engine
            Bench.progress("measuring \(samples) one-platform changes through the engine...")
            var latencies: [Double] = []
            for s in 0..<samples {
                let name = BenchStateGenerator.platformName((s * 37) % platforms)
                try Data(BenchStateGenerator.reconcilePlatform(name: name, version: "9.\(s + 1)").utf8)
                    .write(to: gitRoot.appendingPathComponent("platforms/\(name).yml"))
                try BenchGit.run(["commit", "-q", "-am", "change \(s)"], in: gitRoot.path)
                t = ContinuousClock.now
                let snapshot = try await reader.readValid()
                let result = try await engine.reconcile(
                    desired: snapshot.result.state, commitSHA: snapshot.commitSHA,
                    trigger: "webhook")
                latencies.append(Bench.ms(since: t))
                guard result.result == .applied, result.plan?.toChange == 1 else {
                    throw BenchFailure("reconcile", "change \(s): \(result.result.rawValue) \(result.errors)")
                }
            }
            f.changeToApplied = LatencySummary(latencies)
            return f
        }
    }

    /// Kiln's apply rate beside a bare client's, then the no-op plan of the big state with Pulp's
    /// listing included (seeded in bulk with `--pulp-seed`). Skipped without `KILN_PULP_URL`.
    func measurePulp(
        _ start: Figures, server: DatabaseConfig, dbA: String, dbB: String, gitRoot: URL,
        settings: KilnSettings, logger: Logger
    ) async throws -> Figures {
        guard let url = settings.pulpURL else { return start }
        let (user, password) = (settings.pulpUser, settings.pulpPassword)
        var figures = start
        let pulp = PulpArtifactStore(url: url, username: user, password: password, logger: logger)
        let bare = PulpClient(baseURL: url, username: user, password: password, logger: logger)
        let tag = "kb\(UInt32.random(in: 0..<UInt32.max))"
        let pairs = pulpRepositories
        var created: [String] = []
        var seeded = false
        do {
            // bare client: the same objects Kiln makes for an upstream-synced repository, 8 in flight
            Bench.progress("bare client: \(pairs) remote+repository+distribution sets...")
            let bareNames = (0..<pairs).map { "\(tag)-bare-\($0)" }
            created += bareNames
            var t = ContinuousClock.now
            _ = try await boundedMap(bareNames, maxConcurrent: 8) { name in
                let remote = try await bare.write(
                    .POST, "/pulp/api/v3/remotes/rpm/rpm/",
                    body: ["name": name, "url": "https://example.org/\(name)/"])
                let repo = try await bare.write(
                    .POST, "/pulp/api/v3/repositories/rpm/rpm/",
                    body: ["name": name, "remote": remote.first ?? ""])
                try await bare.write(
                    .POST, "/pulp/api/v3/distributions/rpm/rpm/",
                    body: ["name": name, "base_path": "bench/\(name)", "repository": repo.first ?? ""])
                return 0
            }
            let bareRate = Double(pairs) / (Bench.ms(since: t) / 1000)
            // Kiln: a desired state of pairs/10 platforms whose repositories sync from upstream (remotes)
            Bench.progress("kiln apply: \(pairs) new repositories...")
            var desired = DesiredState()
            let loc = SourceLocation(file: "bench", line: 1, column: 1)
            for p in 0..<max(1, pairs / 10) {
                let name = "\(tag)-p\(p)"
                desired.platforms.append(
                    Platform(
                        name: name, type: "rpm", distrType: "rhel", distrVersion: "9", testDistName: "almalinux",
                        archList: Self.arches, data: [:],
                        repos: Self.arches.flatMap { arch in
                            ["baseos", "appstream"].map {
                                Repository(
                                    name: "\(name)-\($0)", arch: arch,
                                    url: "https://example.org/\(name)/\($0)/\(arch)/",
                                    type: "rpm", debug: false, production: false, location: loc)
                            }
                        }, location: loc))
            }
            let storeNames = Planner.desiredStoreRepositories(desired).keys.sorted()
            created += storeNames
            figures = try await KilnDatabase.withClient(
                config: server.with(database: dbB), logger: logger, migrate: true
            ) { [figures] client in
                var f = figures
                let engine = ReconcileEngine(
                    database: PostgresStateDatabase(client: client, logger: logger), store: pulp, logger: logger)
                t = ContinuousClock.now
                let applied = try await engine.reconcile(desired: desired, commitSHA: tag, trigger: "cli")
                let kilnMs = Bench.ms(since: t)
                guard applied.result == .applied else {
                    throw BenchFailure("reconcile", "kiln apply to Pulp: \(applied.errors)")
                }
                f.pulpPairs = storeNames.count
                f.kilnPairsPerSecond = Double(storeNames.count) / (kilnMs / 1000)
                f.barePairsPerSecond = bareRate
                f.kilnVsBare = (f.kilnPairsPerSecond ?? 0) / bareRate
                return f
            }
            Bench.progress("removing the \(created.count) apply-rate repositories from Pulp...")
            try await pulp.deleteRepositories(named: created)
            created = []
            // no-op plan of the big state with Pulp's listing included
            let reader = DesiredStateReader(repository: try GitRepository(path: gitRoot.path))
            let snapshot = try await reader.readValid()
            if pulpSeed {
                let specs = Planner.desiredStoreRepositories(snapshot.result.state).values.sorted { $0.name < $1.name }
                Bench.progress(
                    "seeding Pulp in bulk with \(specs.count) repositories (bench seeding, pulpcore-manager)...")
                t = ContinuousClock.now
                seeded = true
                try BenchPulpSeed.create(specs, settings: settings)
                figures.storeSeedMs = Bench.ms(since: t)
                figures.storeRepositoriesSeeded = specs.count
            }
            figures = try await KilnDatabase.withClient(
                config: server.with(database: dbA), logger: logger, migrate: false
            ) { [figures] client in
                var f = figures
                let engine = ReconcileEngine(
                    database: PostgresStateDatabase(client: client, logger: logger), store: pulp, logger: logger)
                var times: [Double] = []
                var plan: Plan?
                for _ in 0..<3 {
                    t = ContinuousClock.now
                    plan = try await engine.plan(desired: snapshot.result.state, commitSHA: snapshot.commitSHA)
                    times.append(Bench.ms(since: t))
                }
                f.noopPlanWithStoreMs = times.sorted()[times.count / 2]
                f.noopPlanWithStoreChanges = plan?.changes.filter { $0.action != .keep }.count
                t = ContinuousClock.now
                let listed = try await pulp.listManagedRepositories()
                f.storeListMs = Bench.ms(since: t)
                f.storeRepositoriesListed = listed.count
                // PulpClient.listAll pages of 1,000; three endpoints (repositories, distributions, remotes)
                f.storeListPages = 3 * max(1, (listed.count + 999) / 1000)
                return f
            }
        } catch {
            try? await pulp.deleteRepositories(named: created)
            if seeded { try? BenchPulpSeed.removeAll(settings: settings) }
            try? await pulp.shutdown()
            try? await bare.shutdown()
            throw error
        }
        if seeded {
            Bench.progress("removing the seeded repositories from Pulp...")
            try BenchPulpSeed.removeAll(settings: settings)
        }
        try? await pulp.shutdown()
        try? await bare.shutdown()
        return figures
    }

    func printTable(_ f: Figures) {
        let fmt = Bench.fmt
        print("kiln bench reconcile: \(f.platforms) platforms, \(f.repositories) repositories")
        if let v = f.readMs { print("  read desired state from git (full):   \(fmt(v)) ms") }
        if let v = f.initialApplyMs { print("  initial apply (database only):        \(fmt(v)) ms") }
        if let v = f.noopPlanMs { print("  no-op plan, database only (median/5): \(fmt(v)) ms   (target < 1000 ms)") }
        if let p = f.noopPlanWithStoreMs {
            var line =
                "  no-op plan with Pulp listing (median/3): \(fmt(p)) ms   (\(f.storeRepositoriesListed ?? 0) managed Pulp repositories listed, \(f.noopPlanWithStoreChanges ?? 0) changes planned; target < 10000 ms)"
            if let seed = f.storeSeedMs {
                line += "; bulk seeding of \(f.storeRepositoriesSeeded ?? 0) took \(fmt(seed / 1000)) s, not timed"
            }
            print(line)
            if let list = f.storeListMs, let pages = f.storeListPages {
                print(
                    "    Pulp listing alone: \(fmt(list)) ms for ~\(pages) pages of 1,000 (3 endpoints in parallel): \(fmt(list / Double(pages))) ms per page"
                )
            }
            if let seeded = f.storeRepositoriesSeeded, let listed = f.storeRepositoriesListed, listed < seeded {
                print(
                    "    WARNING: \(seeded - listed) seeded repositories were gone: something else pruned this Pulp during the run (tests?)"
                )
            }
        } else if !webhookOnly {
            print("  plan with Pulp:                       skipped (KILN_PULP_URL not set)")
        }
        if let k = f.kilnPairsPerSecond, let b = f.barePairsPerSecond {
            print(
                "  Pulp apply, \(f.pulpPairs ?? 0) repositories (remote + repository + distribution each), 8 in flight: kiln \(fmt(k))/s, bare client \(fmt(b))/s (\(String(format: "%.0f", (f.kilnVsBare ?? 0) * 100)) %; target >= 90 %)"
            )
        }
        if let c = f.changeToApplied {
            print(
                "  one-platform change -> applied (engine: incremental read + plan + apply, \(c.samples) samples): p50 \(fmt(c.p50Ms)) ms, p95 \(fmt(c.p95Ms)) ms, max \(fmt(c.maxMs)) ms"
            )
        }
        if let w = f.webhookToApplied {
            print(
                "  webhook -> applied (signed GitHub push to kiln serve, fetch + read + plan + apply, row polled in PostgreSQL, \(w.samples) samples): p50 \(fmt(w.p50Ms)) ms, p95 \(fmt(w.p95Ms)) ms, max \(fmt(w.maxMs)) ms (target p95 < 1000 ms)"
            )
        }
        if let r = f.webhookRunDuration {
            print(
                "    of which the recorded reconcile runs (plan + apply): p50 \(fmt(r.p50Ms)) ms, p95 \(fmt(r.p95Ms)) ms, max \(fmt(r.maxMs)) ms"
            )
        }
    }
}
