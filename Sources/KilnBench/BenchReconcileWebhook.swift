import Artifacts
import AsyncHTTPClient
import CommandLineOptions
import Foundation
import GitSource
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import PostgresNIO
import Reconciler
import Server
import ServiceLifecycle
import Spec
import Statuses
import Store

/// The webhook part of `kiln bench reconcile`: the real `KilnServer` with the reconcile loop
/// following the generated repository as a remote (mirrored by `GitRemoteMirror`, so each run
/// fetches), a signed GitHub push per one-platform commit, and the platform's `commit_sha`
/// polled in PostgreSQL until it is the new commit.
extension BenchReconcileCommand {
    static let webhookSecret = Array("kiln-bench-webhook-secret".utf8)

    func measureWebhook(_ start: Figures, config: DatabaseConfig, gitRoot: URL, logger: Logger) async throws -> Figures
    {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-bench-webhook-\(getpid())")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let platformCount = platforms
        let sampleCount = samples
        return try await KilnDatabase.withClient(config: config, logger: logger, migrate: true) { [start] client in
            var figures = start
            let engine = ReconcileEngine(
                database: PostgresStateDatabase(client: client, logger: logger), store: nil, logger: logger)
            // bring the database to the repository's HEAD first (the full apply when --webhook-only; not timed)
            let reader = DesiredStateReader(repository: try GitRepository(path: gitRoot.path))
            let head = try await reader.readValid()
            Bench.progress("webhook: bringing the database to HEAD (not timed)...")
            let initial = try await engine.reconcile(
                desired: head.result.state, commitSHA: head.commitSHA, trigger: "cli")
            guard initial.result == .applied || initial.result == .noChanges else {
                throw BenchFailure("reconcile", "webhook set-up apply: \(initial.result.rawValue) \(initial.errors)")
            }

            let mirror = GitRemoteMirror(
                remote: gitRoot.path, cachePath: scratch.appendingPathComponent("git-cache").path)
            let loop = ReconcileLoop(
                engine: engine, source: .remote(mirror, branch: "main"), interval: .seconds(3600),
                logger: logger)
            let tokens = try await TokenAuthority(secret: Array(UUID().uuidString.utf8) + Array(UUID().uuidString.utf8))
            var dependencies = ServerDependencies(
                database: client, artifactStore: LocalArtifactStore(root: scratch.appendingPathComponent("store")),
                tokens: tokens, logger: logger,
                desiredStateSource: DesiredStateSource(repository: gitRoot.path, path: "", ref: "main"))
            dependencies.reconcileLoop = loop
            dependencies.webhooks = WebhookSettings(secret: Self.webhookSecret)
            let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
            let app = KilnServer.makeApplication(dependencies, host: "127.0.0.1", port: 0) { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
            }
            let services = ServiceGroup(
                configuration: .init(services: [app, loop], gracefulShutdownSignals: [], logger: logger))
            let serviceTask = Task { try await services.run() }
            let http = HTTPClient(eventLoopGroupProvider: .singleton)
            func stop() async {
                try? await http.shutdown()
                await services.triggerGracefulShutdown()
                _ = try? await serviceTask.value
            }
            do {
                var iterator = ports.makeAsyncIterator()
                guard let port = await iterator.next(), port > 0 else {
                    throw BenchFailure("reconcile", "the server did not start")
                }
                // the loop's first run at start: clone into the mirror, full read, no-op plan
                Bench.progress("webhook: waiting for the loop's first run (clone + full read)...")
                let deadline = ContinuousClock.now + .seconds(300)
                while await loop.lastResult == nil, await loop.lastError == nil {
                    guard ContinuousClock.now < deadline else {
                        throw BenchFailure("reconcile", "the loop's first run did not finish")
                    }
                    try await Task.sleep(for: .milliseconds(20))
                }
                if let error = await loop.lastError {
                    throw BenchFailure("reconcile", "the loop's first run: \(error)")
                }

                Bench.progress("webhook: measuring \(sampleCount) signed pushes, each a one-platform commit...")
                var latencies: [Double] = []
                var runDurations: [Double] = []
                for s in 0..<sampleCount {
                    let name = BenchStateGenerator.platformName((s * 53 + 11) % platformCount)
                    try Data(BenchStateGenerator.reconcilePlatform(name: name, version: "10.\(s + 1)").utf8)
                        .write(to: gitRoot.appendingPathComponent("platforms/\(name).yml"))
                    try BenchGit.run(["commit", "-q", "-am", "webhook change \(s)"], in: gitRoot.path)
                    let sha = try BenchGit.head(in: gitRoot.path)
                    let body =
                        #"{"ref": "refs/heads/main", "after": "\#(sha)", "repository": {"full_name": "bench/state"}}"#
                    var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/api/v1/webhooks/github")
                    request.method = .POST
                    request.headers.add(name: "Content-Type", value: "application/json")
                    request.headers.add(name: "X-GitHub-Event", value: "push")
                    request.headers.add(
                        name: "X-Hub-Signature-256",
                        value: "sha256=" + WebhookSignature.hex(body: Array(body.utf8), secret: Self.webhookSecret))
                    request.body = .bytes(ByteBuffer(string: body))

                    let t = ContinuousClock.now
                    let response = try await http.execute(request, timeout: .seconds(30))
                    let answer = try await response.body.collect(upTo: 1 << 20)
                    guard response.status.code == 202 else {
                        throw BenchFailure(
                            "reconcile", "webhook answered \(response.status.code): \(String(buffer: answer))")
                    }
                    let sampleDeadline = t + .seconds(60)
                    while try await platformCommit(client, name: name, logger: logger) != sha {
                        guard ContinuousClock.now < sampleDeadline else {
                            throw BenchFailure(
                                "reconcile",
                                "sample \(s): \(name) not at \(sha.prefix(12)) after 60 s (\(await loop.lastError ?? "no error"))"
                            )
                        }
                        try await Task.sleep(for: .milliseconds(2))
                    }
                    latencies.append(Bench.ms(since: t))
                    // the run row is finished just after the apply's transaction commits
                    for _ in 0..<500 {
                        if let ms = try await runDuration(client, sha: sha, logger: logger) {
                            runDurations.append(ms)
                            break
                        }
                        try await Task.sleep(for: .milliseconds(2))
                    }
                }
                figures.webhookToApplied = LatencySummary(latencies)
                figures.webhookRunDuration = runDurations.isEmpty ? nil : LatencySummary(runDurations)
            } catch {
                await stop()
                throw error
            }
            await stop()
            return figures
        }
    }

    /// The platform's `commit_sha` as PostgreSQL has it now.
    func platformCommit(_ client: PostgresClient, name: String, logger: Logger) async throws -> String? {
        let rows = try await client.query("SELECT commit_sha FROM platforms WHERE name = \(name)", logger: logger)
        for try await sha in rows.decode(String?.self) { return sha }
        return nil
    }

    /// The recorded duration of the applied run at `sha`.
    func runDuration(_ client: PostgresClient, sha: String, logger: Logger) async throws -> Double? {
        let rows = try await client.query(
            "SELECT duration_ms FROM reconcile_runs WHERE commit_sha = \(sha) AND result = 'applied' ORDER BY id DESC LIMIT 1",
            logger: logger)
        for try await ms in rows.decode(Int?.self) { return ms.map(Double.init) }
        return nil
    }
}
