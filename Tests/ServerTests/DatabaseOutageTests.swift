import Artifacts
import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOFoundationEssentialsCompat
import NIOHTTP1
import Processes
import Server
import Store
import Testing

@testable import EmbeddedPostgres

/// PostgreSQL stopped under a live server: every endpoint answers 503 with `detail` and
/// `Retry-After` (no hang), `/health` says the database is down, and service resumes when
/// PostgreSQL is back on the same port. Runs on a private cluster (it is stopped and started).
@Suite("Database outage")
struct DatabaseOutageTests {
    static let logger: Logger = {
        var logger = Logger(
            label: "kiln.test.outage", factory: { label in StreamLogHandler.standardError(label: label) })
        logger.logLevel = ProcessInfo.processInfo.environment["KILN_TEST_OUTAGE_LOG"] == nil ? .critical : .debug
        return logger
    }()

    static func note(_ text: String) {
        FileHandle.standardError.write(Data("[outage test] \(text)\n".utf8))
    }

    /// An answer with the headers this test looks at.
    struct Answer {
        var status: Int
        var retryAfter: String?
        var object: [String: Any]
        var detail: String? { object["detail"] as? String }
    }

    static func send(
        _ port: Int, _ method: HTTPMethod, _ path: String, token: String?, json: Any? = nil
    ) async throws
        -> Answer
    {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: json)))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        let body = try await response.body.collect(upTo: 1 << 20)
        let object = (try? JSONSerialization.jsonObject(with: Data(buffer: body))) as? [String: Any] ?? [:]
        return Answer(
            status: Int(response.status.code), retryAfter: response.headers.first(name: "Retry-After"), object: object)
    }

    /// Polls `condition` every 100 ms until it holds or `limit` passes; returns the time it took.
    static func eventually(
        within limit: Duration, _ condition: () async throws -> Bool
    ) async throws -> Duration {
        let start = ContinuousClock.now
        while ContinuousClock.now - start < limit {
            if (try? await condition()) == true { return ContinuousClock.now - start }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw HarnessError(description: "condition not met within \(limit)")
    }

    @Test("503 with detail and Retry-After while PostgreSQL is down; service resumes when it is back")
    func outageAndRecovery() async throws {
        let folder = "/tmp/kiln-outage-test-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(
            atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        let options = EmbeddedPostgres.Options(durable: false)
        let dataDirectory = folder + "/postgres/data"
        defer {
            EmbeddedPostgres.stopSynchronously(dataDirectory: dataDirectory, options: options)
            try? FileManager.default.removeItem(atPath: folder)
        }
        let postgres = EmbeddedPostgres(directory: folder + "/postgres", options: options, logger: Self.logger)
        let config = try await postgres.start()
        try await KilnDatabase.withClient(config: config, logger: Self.logger, migrate: true) { _ in }

        var timing = DatabaseSupervisor.Timing()
        timing.heartbeat = .milliseconds(250)
        let supervisor = DatabaseSupervisor(config: config, timing: timing, logger: Self.logger)
        let root = URL(fileURLWithPath: folder + "/artifacts")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let tokens = try await TokenAuthority(secret: ServerHarness.secret)
        var dependencies = ServerDependencies(
            database: supervisor.client, artifactStore: LocalArtifactStore(root: root), tokens: tokens,
            logger: Self.logger)
        dependencies.databaseSupervisor = supervisor
        let admin = try await KilnDatabase.withClient(config: config, logger: Self.logger, migrate: false) { client in
            let user = try await UserStore(client: client).upsert(
                username: "root", email: "root@example.org", isSuperuser: true)
            return try await tokens.issue(KilnClaims(sub: "root", scope: .admin, uid: user.id))
        }
        let node = try await tokens.issue(KilnClaims(sub: "n1", scope: .node))

        try await runLiveServer(dependencies, services: [supervisor], logger: Self.logger) { port in
            _ = try await Self.eventually(within: .seconds(30)) {
                try await Self.send(port, .GET, "/api/v1/platforms/", token: admin).status == 200
            }
            let healthy = try await Self.send(port, .GET, "/health", token: nil)
            #expect(healthy.status == 200)
            #expect(healthy.object["database"] as? String == "ok")

            Self.note("stopping PostgreSQL")
            try await postgres.stop()
            Self.note("stopped")
            let tookDown = try await Self.eventually(within: .seconds(20)) {
                try await Self.send(port, .GET, "/api/v1/platforms/", token: admin).status == 503
            }
            let endpoints: [(HTTPMethod, String, String, Any?)] = [
                (.GET, "/api/v1/platforms/", admin, nil),
                (.GET, "/api/v1/builds/", admin, nil),
                (.GET, "/api/v1/reconcile/runs", admin, nil),
                (.POST, "/api/v1/build_node/get_task", node, ["supported_arches": ["x86_64"]]),
                (
                    .POST, "/api/v1/builds/", admin,
                    [
                        "platforms": [["name": "P", "arch_list": ["x86_64"]]],
                        "tasks": [["url": "https://git.example.org/rpms/hello.git", "git_ref": "main"]],
                        "linked_builds": []
                    ]
                ),
                (.POST, "/api/v1/reconcile/", admin, nil)
            ]
            var slowest = Duration.zero
            for (method, path, token, json) in endpoints {
                let start = ContinuousClock.now
                let answer = try await Self.send(port, method, path, token: token, json: json)
                slowest = max(slowest, ContinuousClock.now - start)
                #expect(answer.status == 503, "\(method) \(path)")
                #expect(answer.detail?.contains("Database unreachable") == true, "\(method) \(path): \(answer.object)")
                #expect(answer.retryAfter != nil, "\(method) \(path)")
            }
            let down = try await Self.send(port, .GET, "/health", token: nil)
            #expect(down.status == 503)
            #expect(down.object["status"] as? String == "degraded")
            #expect(down.object["database"] as? String == "down")
            #expect(down.object["artifact_store"] as? String == "ok")

            Self.note("503s checked in \(tookDown); starting PostgreSQL again")
            let bin = try EmbeddedPostgres.binDirectory(options.binDirectory)
            let started = try await ProcessRunner.run(
                bin + "/pg_ctl",
                [
                    "-D", dataDirectory, "-l", folder + "/postgres/server.log", "-w", "-o",
                    "-c listen_addresses=127.0.0.1 -p \(config.port) -c unix_socket_directories='' -c fsync=off",
                    "start"
                ], environment: EmbeddedPostgres.environment(), as: try EmbeddedPostgres.identity(options))
            #expect(started.succeeded, "\(started.output)")
            Self.note("started")
            let tookUp = try await Self.eventually(within: .seconds(30)) {
                try await Self.send(port, .GET, "/api/v1/platforms/", token: admin).status == 200
            }
            #expect(try await Self.send(port, .GET, "/api/v1/builds/", token: admin).status == 200)
            #expect(try await Self.send(port, .GET, "/health", token: nil).status == 200)
            Self.note(
                "outage figures: first 503 \(tookDown) after stop, slowest 503 \(slowest), first 200 \(tookUp) after pg_ctl start returned"
            )
        }
    }
}
