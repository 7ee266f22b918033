import ArgumentParser
import Artifacts
import Foundation
import Logging
import NIOCore
import PostgresNIO
import Server
import Store

/// `build_done` answered per second with the artifact import queued, and how long the queue
/// then took to drain.
struct BuildDoneFigures: Codable {
    var nodes: Int
    var results: Int
    var artifactsPerResult: Int
    var answered: BenchDispatchCommand.Figures
    var drainSeconds: Double
    var importsPerSecond: Double
    var importWorkers: Int
    var store: String

    enum CodingKeys: String, CodingKey {
        case nodes, results, answered, store
        case artifactsPerResult = "artifacts_per_result"
        case drainSeconds = "drain_seconds"
        case importsPerSecond = "imports_per_second"
        case importWorkers = "import_workers"
    }
}

/// The time `POST /api/v1/builds/` took for one build on a task table of `existingTasks` rows.
struct CreationFigures: Codable {
    var tasks: Int
    var existingTasks: Int
    var medianSeconds: Double
    var runs: [Double]

    enum CodingKeys: String, CodingKey {
        case tasks, runs
        case existingTasks = "existing_tasks"
        case medianSeconds = "median_seconds"
    }
}

struct CreationResult: Codable {
    var empty: CreationFigures
    var large: CreationFigures
    /// `large` over `empty` (1.0: no slower).
    var ratio: Double
}

/// Task ids handed to the benchmark's loops, each once.
actor TaskIDQueue {
    private var ids: [Int64]
    init(_ ids: [Int64]) { self.ids = ids.reversed() }
    func next() -> Int64? { ids.popLast() }
}

extension BenchDispatchCommand {
    /// `nodes` loops send `build_done` with one uploaded log each for `results` claimed tasks
    /// over HTTP (only the answers are timed: the import is queued); then `workers` import
    /// loops, as `kiln serve` runs them, drain the queue (timed separately).
    func measureBuildDone(
        client: PostgresClient, nodes: Int, results: Int, workers: Int, logger: Logger
    ) async throws -> BuildDoneFigures {
        try await client.query("TRUNCATE builds, build_task_refs, build_tasks CASCADE", logger: logger)
        Bench.progress("build_done: \(results) claimed tasks, \(nodes) nodes...")
        _ = try await BuildBenchmarkSeed(client: client, logger: logger).seedIdleTasks(
            count: results, arches: ["x86_64"])
        var ids: [Int64] = []
        for try await id in try await client.query(
            """
            UPDATE build_tasks SET status = 1, node = 'bench-node', ts = now(), started_at = now(), attempts = 1
            WHERE status = 0 RETURNING id
            """, logger: logger
        ).decode(Int64.self) { ids.append(id) }
        try await client.query("VACUUM ANALYZE build_tasks", logger: logger)
        let root = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("kiln-bench-done-\(getpid())")
        let store = LocalArtifactStore(root: root)
        defer { try? FileManager.default.removeItem(at: root) }
        let file = root.appendingPathComponent("mock_build.log")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try Data("a build log\n".utf8).write(to: file)
        let uploaded = try await store.uploadArtifact(file: file)
        let queue = TaskIDQueue(ids)
        let count = ids.count
        let answered = try await BenchServer.with(client: client, store: store, logger: logger) { server in
            let token = try await server.tokens.issue(KilnClaims(sub: "bench-node", scope: .node))
            return try await run(nodes: nodes, claims: count) {
                guard let id = await queue.next() else { throw ValidationError("no claimed task left") }
                let body = """
                    {"task_id": \(id), "status": "done", "is_cas_authenticated": false,
                     "git_commit_hash": "0123456789abcdef0123456789abcdef01234567",
                     "stats": {"build_node_task": {"start_ts": "2026-01-01 00:00:00", "end_ts": "2026-01-01 00:01:00", "delta": "0:01:00"}},
                     "artifacts": [{"name": "mock_build.\(id).log", "type": "build_log", "href": "\(uploaded.href)",
                                    "sha256": "\(uploaded.sha256)", "path": "/srv/mock_build.log", "cas_hash": null}]}
                    """
                let answer = try await server.post("/api/v1/build_node/build_done", token: token, body: body)
                guard answer.status == 200 else {
                    throw ValidationError("build_done answered \(answer.status): \(String(buffer: answer.body))")
                }
            }
        }
        Bench.progress("build_done: draining \(count) queued imports with \(workers) workers...")
        let worker = BuildImportWorker(database: client, store: store, settings: ServerSettings(), logger: logger)
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<workers { group.addTask { try await worker.drain() } }
            try await group.waitForAll()
        }
        let drain = (ContinuousClock.now - start).seconds
        let left = try await BuildImportQueue(client: client, logger: logger).pendingCount()
        guard left == 0 else { throw ValidationError("\(left) imports still pending after the drain") }
        return BuildDoneFigures(
            nodes: nodes, results: count, artifactsPerResult: 1, answered: answered, drainSeconds: drain,
            importsPerSecond: Double(count) / drain, importWorkers: workers, store: "local")
    }

    /// `POST /api/v1/builds/` of `refs` refs × 2 arches on an empty task table and on one of
    /// `largeTable` tasks (seeded set-based); the median of `runs` each.
    func measureCreation(
        client: PostgresClient, refs: Int, largeTable: Int, runs: Int, logger: Logger
    ) async throws -> CreationResult {
        let arches = ["x86_64", "aarch64"]
        try await client.query("TRUNCATE builds, build_task_refs, build_tasks CASCADE", logger: logger)
        let seed = BuildBenchmarkSeed(client: client, logger: logger)
        _ = try await seed.seedIdleTasks(count: 0, arches: arches)
        let user = try await UserStore(client: client).upsert(
            username: "bench", email: "bench@example.org", isSuperuser: false)
        let tasks = (0..<refs).map { #"{"url": "https://git.example.org/rpms/bench-\#($0).git", "git_ref": "main"}"# }
        let body =
            #"{"platforms": [{"name": "bench-platform", "arch_list": ["x86_64", "aarch64"]}], "tasks": ["#
            + tasks.joined(separator: ",") + "]}"
        return try await BenchServer.with(client: client, store: LocalArtifactStore.benchScratch(), logger: logger) {
            server in
            let token = try await server.tokens.issue(KilnClaims(sub: "bench", scope: .user, uid: user.id))
            func create() async throws -> (seconds: Double, tasks: Int) {
                let start = ContinuousClock.now
                let answer = try await server.post("/api/v1/builds/", token: token, body: body)
                let seconds = (ContinuousClock.now - start).seconds
                guard answer.status == 200 else {
                    throw ValidationError("creating a build answered \(answer.status): \(String(buffer: answer.body))")
                }
                let object =
                    try JSONSerialization.jsonObject(with: Data(answer.body.readableBytesView)) as? [String: Any]
                return (seconds, (object?["tasks"] as? [Any])?.count ?? 0)
            }
            func existing() async throws -> Int {
                for try await n in try await client.query("SELECT count(*) FROM build_tasks", logger: logger).decode(
                    Int64.self)
                {
                    return Int(n)
                }
                return 0
            }
            Bench.progress("build creation: \(refs) refs × \(arches.count) arches on an empty task table...")
            var emptyRuns: [Double] = []
            var created = 0
            for _ in 0..<runs {
                try await client.query("TRUNCATE builds, build_task_refs, build_tasks CASCADE", logger: logger)
                let run = try await create()
                emptyRuns.append(run.seconds)
                created = run.tasks
            }
            Bench.progress("build creation: populating \(largeTable) tasks...")
            try await client.query("TRUNCATE builds, build_task_refs, build_tasks CASCADE", logger: logger)
            _ = try await seed.seedIdleTasks(count: largeTable, arches: arches)
            try await client.query("VACUUM ANALYZE build_tasks", logger: logger)
            let large = try await existing()
            Bench.progress("build creation: \(refs) refs × \(arches.count) arches on \(large) tasks...")
            var largeRuns: [Double] = []
            for _ in 0..<runs { largeRuns.append(try await create().seconds) }
            let empty = CreationFigures(
                tasks: created, existingTasks: 0, medianSeconds: median(emptyRuns), runs: emptyRuns)
            let full = CreationFigures(
                tasks: created, existingTasks: large, medianSeconds: median(largeRuns), runs: largeRuns)
            return CreationResult(empty: empty, large: full, ratio: full.medianSeconds / empty.medianSeconds)
        }
    }

    private func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
    }
}

extension LocalArtifactStore {
    /// A store in a temporary folder (nothing is imported into it).
    static func benchScratch() -> LocalArtifactStore {
        LocalArtifactStore(
            root: URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("kiln-bench-\(UUID().uuidString)")
        )
    }
}
