import AsyncHTTPClient
import Foundation
import Hummingbird
import KilnTestSupport
import Logging
import NIOCore
import NIOHTTP1
import PostgresNIO
import Pulp
import Server
import ServiceLifecycle
import Store
import XCTest

/// A running Kiln server on a free loopback port, over a fresh migrated database.
struct ServerHarness: Sendable {
    let client: PostgresClient
    let port: Int
    let tokens: TokenAuthority
    let store: any ArtifactStore
    let settings: ServerSettings
    let sweeper: StaleTaskSweeper

    static let secret = Array("kiln-test-secret-0123456789-abcdefghij".utf8)

    static let logger: Logger = {
        var logger = Logger(label: "kiln.test.server")
        logger.logLevel = .error
        return logger
    }()

    /// Runs `body` against a live server; `pulp: true` uses the real Pulp of scripts/test.sh
    /// (KILN_TEST_PULP_URL), otherwise the local artifact store in a temporary folder.
    static func with(
        settings: ServerSettings = ServerSettings(),
        pulp: Bool = false,
        _ body: (ServerHarness) async throws -> Void
    ) async throws {
        var settings = settings
        settings.buildRepositoryPrefix = "kt\(UInt32.random(in: 0..<UInt32.max))"
        let store = try makeStore(pulp: pulp)
        let tokens = try await TokenAuthority(secret: secret)
        let finalSettings = settings
        try await TestDatabase.with { client, _ in
            let dependencies = ServerDependencies(
                database: client, artifactStore: store, tokens: tokens, settings: finalSettings, logger: logger)
            let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
            let app = KilnServer.makeApplication(dependencies, host: "127.0.0.1", port: 0) { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
            }
            let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                var iterator = ports.makeAsyncIterator()
                guard let port = await iterator.next(), port > 0 else {
                    await group.triggerGracefulShutdown()
                    throw HarnessError(description: "the server did not report a port")
                }
                let harness = ServerHarness(
                    client: client, port: port, tokens: tokens, store: store, settings: finalSettings,
                    sweeper: StaleTaskSweeper(dependencies))
                do {
                    try await body(harness)
                } catch {
                    await group.triggerGracefulShutdown()
                    try? await tasks.waitForAll()
                    throw error
                }
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
        }
        if !pulp, let local = store as? LocalArtifactStore {
            try? FileManager.default.removeItem(at: await local.root)
        }
        try? await store.shutdown()
    }

    static func makeStore(pulp: Bool) throws -> any ArtifactStore {
        let env = ProcessInfo.processInfo.environment
        if pulp {
            guard let url = env["KILN_TEST_PULP_URL"], !url.isEmpty else {
                if env["KILN_SKIP_PULP"] == "1" {
                    FileHandle.standardError.write(Data("\n*** KILN_SKIP_PULP=1: Server Pulp test SKIPPED ***\n".utf8))
                    throw XCTSkip("KILN_SKIP_PULP=1")
                }
                throw HarnessError(description: "KILN_TEST_PULP_URL is not set: run through scripts/test.sh (or KILN_SKIP_PULP=1 locally)")
            }
            return PulpArtifactStore(url: url, username: env["KILN_TEST_PULP_USER"] ?? "admin",
                                     password: env["KILN_TEST_PULP_PASSWORD"] ?? "admin")
        }
        let root = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("kiln-server-store-\(UUID().uuidString)")
        return LocalArtifactStore(root: root)
    }

    // MARK: HTTP

    struct Answer: Sendable {
        var status: Int
        var body: Data
        /// The body parsed as JSON (nil when it is not JSON).
        var json: Any? { try? JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed]) }
        var object: [String: Any] { json as? [String: Any] ?? [:] }
        var array: [[String: Any]] { json as? [[String: Any]] ?? [] }
        var detail: String? { object["detail"] as? String }
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    /// Sends a request with an optional bearer token and a raw or JSON body.
    func call(_ method: HTTPMethod, _ path: String, token: String? = nil, json: Any? = nil, raw: String? = nil) async throws -> Answer {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let json {
            let data = try JSONSerialization.data(withJSONObject: json, options: [.fragmentsAllowed])
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: data))
        } else if let raw {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: raw))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        let buffer = try await response.body.collect(upTo: 64 * 1024 * 1024)
        return Answer(status: Int(response.status.code), body: Data(buffer: buffer))
    }

    // MARK: Tokens and rows

    func nodeToken(_ name: String) async throws -> String {
        try await tokens.issue(KilnClaims(sub: name, scope: .node))
    }

    /// Creates the user row and returns a user token for it.
    func userToken(_ name: String, admin: Bool = false) async throws -> String {
        let user = try await UserStore(client: client).upsert(username: name, email: "\(name)@example.org", isSuperuser: admin)
        return try await tokens.issue(KilnClaims(sub: name, scope: admin ? .admin : .user, uid: user.id))
    }

    /// Runs a query returning one integer.
    func count(_ sql: String) async throws -> Int {
        let rows = try await client.query(PostgresQuery(unsafeSQL: sql))
        for try await value in rows.decode(Int64.self) { return Int(value) }
        return 0
    }
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
}
