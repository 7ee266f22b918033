import ArgumentParser
import Artifacts
import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import PostgresNIO
import Server
import ServiceLifecycle

/// A Kiln HTTP server on a free loopback port over `client` and `store` for a benchmark, with an
/// HTTP client to call it; shut down after `body` (also on error).
struct BenchServer: Sendable {
    let port: Int
    let http: HTTPClient
    let tokens: TokenAuthority

    static func with<T: Sendable>(
        client: PostgresClient, store: any ArtifactStore, logger: Logger, _ body: (BenchServer) async throws -> T
    ) async throws -> T {
        let tokens = try await TokenAuthority(secret: Array(UUID().uuidString.utf8) + Array(UUID().uuidString.utf8))
        let dependencies = ServerDependencies(database: client, artifactStore: store, tokens: tokens, logger: logger)
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = KilnServer.makeApplication(dependencies, host: "127.0.0.1", port: 0) { channel in
            continuation.yield(channel.localAddress?.port ?? 0)
        }
        let services = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
        let serviceTask = Task { try await services.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else { throw ValidationError("the server did not start") }
        let http = HTTPClient(
            eventLoopGroupProvider: .singleton,
            configuration: .init(
                connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)))
        let server = BenchServer(port: port, http: http, tokens: tokens)
        do {
            let value = try await body(server)
            try await http.shutdown()
            await services.triggerGracefulShutdown()
            try await serviceTask.value
            return value
        } catch {
            try? await http.shutdown()
            await services.triggerGracefulShutdown()
            _ = try? await serviceTask.value
            throw error
        }
    }

    /// POSTs `body` (JSON text) to `path` with `token`; the status and the body.
    func post(_ path: String, token: String, body: String) async throws -> (status: UInt, body: ByteBuffer) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await http.execute(request, timeout: .seconds(300))
        return (response.status.code, try await response.body.collect(upTo: 64 << 20))
    }
}
