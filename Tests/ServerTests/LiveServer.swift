import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOFoundationEssentialsCompat
import NIOHTTP1
import PostgresNIO
import Server
import ServiceLifecycle

/// An HTTP answer from a live test server.
struct HTTPAnswer: Sendable {
    var status: Int
    var body: Data
    /// The body parsed as JSON (nil when it is not JSON).
    var json: Any? { try? JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed]) }
    var object: [String: Any] { json as? [String: Any] ?? [:] }
    var array: [[String: Any]] { json as? [[String: Any]] ?? [] }
    var detail: String? { object["detail"] as? String }
    var text: String { String(decoding: body, as: UTF8.self) }
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
}

/// Something that answers Kiln HTTP requests (a live server, or the router in-process) over a
/// database: HTTP calls and SQL counts.
protocol HTTPCaller: Sendable {
    var client: PostgresClient { get }

    /// Sends one request: `headers` already hold the token and content type.
    func send(
        _ method: HTTPMethod, _ path: String, headers: [(String, String)], body: ByteBuffer?
    ) async throws -> HTTPAnswer
}

extension HTTPCaller {
    typealias Answer = HTTPAnswer

    /// Sends a request with an optional bearer token, extra headers and a JSON or raw body.
    func call(
        _ method: HTTPMethod, _ path: String, token: String? = nil, json: Any? = nil, raw: String? = nil,
        headers: [String: String] = [:]
    ) async throws -> HTTPAnswer {
        var all: [(String, String)] = []
        if let token { all.append(("Authorization", "Bearer \(token)")) }
        for (name, value) in headers { all.append((name, value)) }
        var body: ByteBuffer?
        if let json {
            let data = try JSONSerialization.data(withJSONObject: json, options: [.fragmentsAllowed])
            all.append(("Content-Type", "application/json"))
            body = ByteBuffer(bytes: data)
        } else if let raw {
            all.append(("Content-Type", "application/json"))
            body = ByteBuffer(string: raw)
        }
        return try await send(method, path, headers: all, body: body)
    }

    /// Runs a query returning one integer (0 when it returns no row).
    func count(_ sql: String) async throws -> Int {
        for try await value in try await client.query(PostgresQuery(unsafeSQL: sql)).decode(Int64.self) {
            return Int(value)
        }
        return 0
    }
}

/// A harness with a live server on a loopback port and its database.
protocol LiveServer: HTTPCaller {
    var port: Int { get }
}

extension LiveServer {
    func send(
        _ method: HTTPMethod, _ path: String, headers: [(String, String)], body: ByteBuffer?
    ) async throws -> HTTPAnswer {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(body) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        let buffer = try await response.body.collect(upTo: 64 * 1024 * 1024)
        return HTTPAnswer(status: Int(response.status.code), body: Data(buffer: buffer))
    }
}

/// Runs the Kiln application on a free loopback port (plus `services`) in a service group,
/// calls `body` with the port, then shuts everything down gracefully, whether `body` throws or not.
func runLiveServer(
    _ dependencies: ServerDependencies, services: [any Service] = [], logger: Logger,
    _ body: (Int) async throws -> Void
) async throws {
    let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
    let app = KilnServer.makeApplication(dependencies, host: "127.0.0.1", port: 0) { channel in
        continuation.yield(channel.localAddress?.port ?? 0)
    }
    let group = ServiceGroup(
        configuration: .init(
            services: [app] + services, gracefulShutdownSignals: [],
            logger: logger))
    try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else {
            await group.triggerGracefulShutdown()
            throw HarnessError(description: "the server did not report a port")
        }
        do {
            try await body(port)
        } catch {
            await group.triggerGracefulShutdown()
            try? await tasks.waitForAll()
            throw error
        }
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
    }
}
