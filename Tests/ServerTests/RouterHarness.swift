import Artifacts
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KilnTestSupport
import Logging
import NIOCore
import NIOFoundationEssentialsCompat
import NIOHTTP1
import PostgresNIO
import Server
import Store

/// The Kiln router driven in-process (HummingbirdTesting's `.router` mode: no socket), over a
/// fresh migrated database and a local artifact store: for HTTP-contract tests.
struct RouterHarness: BuildHarness {
    let client: PostgresClient
    let tokens: TokenAuthority
    let store: any ArtifactStore
    let settings: ServerSettings
    let clock: ManualLeaseClock
    let http: any TestClientProtocol
    /// The permission check's cache of team roles (what a reconcile apply invalidates).
    var access = AccessDirectory()

    /// Runs `body` against the router of a fresh application.
    static func with(
        settings: ServerSettings = ServerSettings(), _ body: @escaping @Sendable (RouterHarness) async throws -> Void
    ) async throws {
        var settings = settings
        settings.buildRepositoryPrefix = "kt\(UInt32.random(in: 0..<UInt32.max))"
        let root = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent(
            "kiln-router-store-\(UUID().uuidString)")
        let store = LocalArtifactStore(root: root)
        let tokens = try await TokenAuthority(secret: ServerHarness.secret)
        let clock = ManualLeaseClock()
        let finalSettings = settings
        try await TestDatabase.with { client, _ in
            var dependencies = ServerDependencies(
                database: client, artifactStore: store, tokens: tokens,
                settings: finalSettings, logger: ServerHarness.logger)
            dependencies.leaseClock = clock
            let access = dependencies.access
            let app = Application(router: KilnServer.makeRouter(dependencies), logger: ServerHarness.logger)
            try await app.test(.router) { http in
                try await body(
                    RouterHarness(
                        client: client, tokens: tokens, store: store, settings: finalSettings,
                        clock: clock, http: http, access: access))
            }
        }
        try? FileManager.default.removeItem(at: root)
    }

    func send(
        _ method: HTTPMethod, _ path: String, headers: [(String, String)], body: ByteBuffer?
    ) async throws -> HTTPAnswer {
        guard let method = HTTPRequest.Method(method.rawValue) else {
            throw HarnessError(description: "unknown method \(method)")
        }
        var fields = HTTPFields()
        for (name, value) in headers {
            guard let name = HTTPField.Name(name) else { throw HarnessError(description: "bad header \(name)") }
            fields.append(HTTPField(name: name, value: value))
        }
        let response = try await http.executeRequest(uri: path, method: method, headers: fields, body: body)
        return HTTPAnswer(status: Int(response.status.code), body: Data(buffer: response.body))
    }
}
