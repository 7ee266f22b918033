import Artifacts
import AsyncHTTPClient
import Foundation
import Hummingbird
import KilnTestSupport
import Logging
import NIOCore
import NIOHTTP1
import PostgresNIO
import Server
import ServiceLifecycle
import Store
import XCTest

/// A running Kiln server on a free loopback port, over a fresh migrated database.
struct ServerHarness: LiveServer, BuildHarness {
    let client: PostgresClient
    let port: Int
    let tokens: TokenAuthority
    let store: any ArtifactStore
    let settings: ServerSettings
    let sweeper: StaleTaskSweeper
    /// The lease clock the server and sweeper use: moved by hand in tests.
    let clock: ManualLeaseClock
    /// The database's URL (for a `kiln` command run against the same database).
    var databaseURL = ""

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
        configure: (inout ServerDependencies) -> Void = { _ in },
        _ body: (ServerHarness) async throws -> Void
    ) async throws {
        var settings = settings
        settings.buildRepositoryPrefix = "kt\(UInt32.random(in: 0..<UInt32.max))"
        let store = try makeStore(pulp: pulp)
        let tokens = try await TokenAuthority(secret: secret)
        let finalSettings = settings
        let clock = ManualLeaseClock()
        do {
            try await run(
                store: store, tokens: tokens, settings: finalSettings, clock: clock, configure: configure, body)
        } catch {
            try? await store.shutdown()  // a failed test still shuts the store's HTTP client down
            throw error
        }
        if !pulp, let local = store as? LocalArtifactStore {
            try? FileManager.default.removeItem(at: await local.root)
        }
        try? await store.shutdown()
    }

    private static func run(
        store: any ArtifactStore, tokens: TokenAuthority, settings finalSettings: ServerSettings,
        clock: ManualLeaseClock, configure: (inout ServerDependencies) -> Void,
        _ body: (ServerHarness) async throws -> Void
    ) async throws {
        try await TestDatabase.with { client, url in
            var dependencies = ServerDependencies(
                database: client, artifactStore: store, tokens: tokens, settings: finalSettings, logger: logger)
            dependencies.leaseClock = clock
            configure(&dependencies)
            try await runLiveServer(dependencies, logger: logger) { port in
                try await body(
                    ServerHarness(
                        client: client, port: port, tokens: tokens, store: store, settings: finalSettings,
                        sweeper: StaleTaskSweeper(dependencies), clock: clock, databaseURL: url))
            }
        }
    }

    static func makeStore(pulp: Bool) throws -> any ArtifactStore {
        let env = ProcessInfo.processInfo.environment
        if pulp {
            guard let url = env["KILN_TEST_PULP_URL"], !url.isEmpty else {
                if env["KILN_SKIP_PULP"] == "1" {
                    FileHandle.standardError.write(Data("\n*** KILN_SKIP_PULP=1: Server Pulp test SKIPPED ***\n".utf8))
                    throw XCTSkip("KILN_SKIP_PULP=1")
                }
                throw HarnessError(
                    description:
                        "KILN_TEST_PULP_URL is not set: run through scripts/test.sh (or KILN_SKIP_PULP=1 locally)")
            }
            return PulpArtifactStore(
                url: url, username: env["KILN_TEST_PULP_USER"] ?? "admin",
                password: env["KILN_TEST_PULP_PASSWORD"] ?? "admin")
        }
        let root = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent(
            "kiln-server-store-\(UUID().uuidString)")
        return LocalArtifactStore(root: root)
    }
}
