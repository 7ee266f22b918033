import Artifacts
import Foundation
import KilnTestSupport
import NIOHTTP1
import PostgresNIO
import Server
import Store
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The real `kiln serve` process (`.build/debug/kiln`) over a test database and the shared test
/// Pulp, started and SIGKILLed by the test.
struct KilnProcess: LiveServer, BuildHarness {
    static let binary = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent(".build/debug/kiln").path

    let client: PostgresClient
    let port: Int
    let tokens: TokenAuthority
    let store: any ArtifactStore
    let settings: ServerSettings
    let clock = ManualLeaseClock()
    let environment: [String: String]
    let log: URL
    private let current = ProcessBox()

    init(
        client: PostgresClient, databaseURL: String, store: any ArtifactStore, pulp: (String, String, String)
    ) async throws {
        let secret = "kiln-kill-test-" + UUID().uuidString
        var settings = ServerSettings()
        settings.buildRepositoryPrefix = "kk\(UInt32.random(in: 0..<UInt32.max))"
        self.client = client
        self.port = try Self.freePort()
        self.tokens = try await TokenAuthority(secret: Array(secret.utf8))
        self.store = store
        self.settings = settings
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-kill-\(UUID().uuidString)")
        self.log = home.appendingPathComponent("serve.log")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        var environment = ProcessInfo.processInfo.environment
        environment["KILN_HOME"] = home.path
        environment["KILN_DATABASE_URL"] = databaseURL
        environment["KILN_PULP_URL"] = pulp.0
        environment["KILN_PULP_USER"] = pulp.1
        environment["KILN_PULP_PASSWORD"] = pulp.2
        environment["KILN_JWT_SECRET"] = secret
        environment["KILN_BUILD_REPOSITORY_PREFIX"] = settings.buildRepositoryPrefix
        self.environment = environment
    }

    /// A port nothing listens on now (bound to 0 and released).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw HarnessError(description: "socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { throw HarnessError(description: "bind() failed") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Starts `kiln serve` and waits until `/health` answers.
    func start() async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = ["serve", "--host", "127.0.0.1", "--port", String(port), "--log-level", "warning"]
        process.environment = environment
        if !FileManager.default.fileExists(atPath: log.path) {
            FileManager.default.createFile(atPath: log.path, contents: nil)
        }
        let output = try FileHandle(forWritingTo: log)
        output.seekToEndOfFile()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        current.process = process
        for _ in 0..<600 {
            if process.isRunning, let answer = try? await call(.GET, "/health"), answer.status == 200 { return }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw HarnessError(description: "kiln serve did not come up: \(serverLog())")
    }

    /// SIGKILL: no graceful shutdown, whatever the server was doing stops there.
    func kill() {
        guard let process = current.process, process.isRunning else { return }
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    func serverLog() -> String {
        (try? String(contentsOf: log, encoding: .utf8)).map { String($0.suffix(4000)) } ?? ""
    }

    func removeHome() {
        try? FileManager.default.removeItem(at: log.deletingLastPathComponent())
    }
}

/// Holds the running process of a `KilnProcess` (replaced on restart).
final class ProcessBox: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Process?
    var process: Process? {
        get { lock.withLock { value } }
        set { lock.withLock { value = newValue } }
    }
}

/// Kiln SIGKILLed in the middle of an import and restarted finishes the import, and nothing is
/// imported twice (the real `kiln serve` process, real PostgreSQL, the shared test Pulp).
@Suite struct ImportKillTests {
    /// Logs per `build_done`: enough that an import takes a while in Pulp.
    static let logsPerTask = 8

    @Test func killedInTheMiddleOfAnImportAndRestartedFinishesItOnce() async throws {
        let store = try ServerHarness.makeStore(pulp: true)
        let env = ProcessInfo.processInfo.environment
        let pulp = (
            env["KILN_TEST_PULP_URL"] ?? "", env["KILN_TEST_PULP_USER"] ?? "admin",
            env["KILN_TEST_PULP_PASSWORD"] ?? "admin"
        )
        #expect(FileManager.default.isExecutableFile(atPath: KilnProcess.binary), "build kiln first")
        try await TestDatabase.with { client, url in
            let kiln = try await KilnProcess(client: client, databaseURL: url, store: store, pulp: pulp)
            defer {
                kiln.kill()
                kiln.removeHome()
            }
            try await kiln.start()
            try await Self.run(kiln)
        }
        try? await store.shutdown()
    }

    static func run(_ kiln: KilnProcess) async throws {
        _ = try await Fixtures.platform(kiln.client, name: "P", arches: ["x86_64"])
        let user = try await kiln.userToken("alice")
        for project in ["hello", "world"] { _ = try await kiln.createBuild(token: user, projects: [project]) }
        let node = try await SimulatedNode(kiln, name: "n", arches: ResultDurabilityTests.arches)
        var sent: [Int: [String]] = [:]
        // First round: every ready task reports its logs; the server's workers import them.
        try await Self.reportReadyTasks(node, into: &sent)
        #expect(!sent.isEmpty)

        // Wait for an import in progress: a job claimed (its build repository already created in
        // Pulp and recorded), not done. Then SIGKILL.
        var caught = false
        for _ in 0..<6000 where !caught {
            caught =
                try await kiln.count(
                    """
                    SELECT count(*) FROM build_imports i JOIN build_tasks t ON t.id = i.task_id
                    WHERE i.state = 'pending' AND i.claim_token IS NOT NULL
                    AND EXISTS (SELECT 1 FROM build_repositories r WHERE r.build_id = t.build_id AND r.kind = 'log')
                    """) > 0
            if !caught {
                let open = try await kiln.count("SELECT count(*) FROM build_imports WHERE state = 'pending'")
                guard open > 0 else { break }
                try await Task.sleep(for: .milliseconds(5))
            }
        }
        try #require(caught, "no import was caught in progress: \(kiln.serverLog())")
        kiln.kill()
        let interrupted = try await kiln.count(
            "SELECT count(*) FROM build_imports WHERE state = 'pending' AND claim_token IS NOT NULL")
        #expect(interrupted > 0)

        // The killed server's job leases lapse (instead of waiting 20 s), then Kiln comes back.
        try await kiln.client.query("UPDATE build_imports SET due_at = now() WHERE state = 'pending'")
        try await kiln.start()
        try await Self.finishEverything(kiln, node, sent: &sent)

        // Every task completed with exactly the artifacts it reported, each once.
        #expect(try await kiln.count("SELECT count(*) FROM build_tasks WHERE status <> 2") == 0)
        #expect(try await kiln.count("SELECT count(*) FROM build_imports WHERE state <> 'done'") == 0)
        #expect(try await kiln.count("SELECT count(*) FROM build_imports WHERE attempts > 1") >= interrupted)
        for (task, names) in sent {
            let rows = try await kiln.rowsOfText(
                "SELECT name FROM artifacts WHERE build_task_id = \(task) ORDER BY name")
            #expect(rows == names.sorted(), "task \(task)")
            #expect(try await kiln.count("SELECT count(*) FROM test_tasks WHERE build_task_id = \(task)") <= 1)
        }
        // And each once in Pulp: the builds' log repositories hold each reported log once.
        var files: [String] = []
        for name in try await kiln.rowsOfText("SELECT name FROM build_repositories WHERE kind = 'log'") {
            files += try await kiln.store.listContent(of: name).map(\.fileName)
            try? await kiln.store.deleteRepository(named: name)
        }
        #expect(files.count == Set(files).count, "a log is in a repository twice: \(files)")
        #expect(files.count == sent.values.map(\.count).reduce(0, +), "\(files.count) logs in Pulp")
    }

    /// Claims every ready task and reports `logsPerTask` uploaded logs for each (no waiting for imports).
    static func reportReadyTasks(
        _ node: SimulatedNode<KilnProcess>, into sent: inout [Int: [String]]
    ) async throws {
        while let task = try await node.getTask() {
            var artifacts: [[String: Any]] = []
            var names: [String] = []
            for i in 0..<logsPerTask {
                let name = "mock_build.\(task.id).\(i).log"
                let file = FileManager.default.temporaryDirectory.appendingPathComponent(
                    "kiln-kill-\(UUID().uuidString)")
                try Data("task \(task.id) log \(i) \(UUID().uuidString)\n".utf8).write(to: file)
                defer { try? FileManager.default.removeItem(at: file) }
                let uploaded = try await node.harness.store.uploadArtifact(file: file)
                artifacts.append(["name": name, "type": "build_log", "href": uploaded.href, "sha256": uploaded.sha256])
                names.append(name)
            }
            let answer = try await node.harness.call(
                .POST, "/api/v1/build_node/build_done", token: node.token,
                json: ["task_id": task.id, "status": "done", "artifacts": artifacts])
            #expect(answer.status == 200, "\(answer.text)")
            sent[task.id] = names
        }
    }

    /// Runs the build to its end on the restarted server: waits for the queue, reports tasks
    /// that became ready (e.g. arch tasks after their `src` task), until nothing is left.
    static func finishEverything(
        _ kiln: KilnProcess, _ node: SimulatedNode<KilnProcess>, sent: inout [Int: [String]]
    ) async throws {
        for _ in 0..<3000 {
            try await reportReadyTasks(node, into: &sent)
            let open = try await kiln.count("SELECT count(*) FROM build_imports WHERE state = 'pending'")
            let unfinished = try await kiln.count("SELECT count(*) FROM build_tasks WHERE status IN (0, 1)")
            if open == 0 && unfinished == 0 { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw HarnessError(description: "the imports did not finish after the restart: \(kiln.serverLog())")
    }
}
