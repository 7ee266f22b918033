import Artifacts
import Foundation
import Hummingbird
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import Testing

/// `PulpClient` retries with back-off: connection failures (any method), 5xx of idempotent
/// methods; a POST that reached Pulp is not sent twice. Uses a fake Pulp, never the shared one.
@Suite("Pulp client retries")
struct PulpRetryTests {
    static let logger: Logger = {
        var logger = Logger(label: "kiln.test.pulp-retry")
        logger.logLevel = .critical
        return logger
    }()

    static let fast = PulpRetry(retries: 3, firstDelay: .milliseconds(20), maxDelay: .milliseconds(100))

    /// A fake Pulp whose `/status/` answers 503 `failures` times, then 200; counts every call.
    static func withFakePulp(failures: Int, _ body: (Int, NIOLockedValueBox<Int>) async throws -> Void) async throws {
        let calls = NIOLockedValueBox(0)
        let router = Router()
        router.on("/pulp/api/v3/status/", method: .get) { _, _ -> Response in
            let n = calls.withLockedValue {
                $0 += 1
                return $0
            }
            return Response(
                status: n <= failures ? .serviceUnavailable : .ok, body: .init(byteBuffer: ByteBuffer(string: "{}")))
        }
        router.on("/pulp/api/v3/status/", method: .post) { _, _ -> Response in
            calls.withLockedValue { $0 += 1 }
            return Response(status: .serviceUnavailable)
        }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) }, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = ports.makeAsyncIterator()
            let port = await iterator.next() ?? 0
            do { try await body(port, calls) } catch {
                await group.triggerGracefulShutdown()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    @Test("a GET answered 503 twice succeeds on the third attempt")
    func retriesIdempotent5xx() async throws {
        try await Self.withFakePulp(failures: 2) { port, calls in
            let client = PulpClient(
                baseURL: "http://127.0.0.1:\(port)", username: "u", password: "p", retry: Self.fast, logger: Self.logger
            )
            defer { Task { try? await client.shutdown() } }
            let response = try await client.send(.GET, "/pulp/api/v3/status/")
            #expect(response.status == 200)
            #expect(calls.withLockedValue { $0 } == 3)
        }
    }

    @Test("a POST answered 503 is not sent again")
    func doesNotRepeatPost() async throws {
        try await Self.withFakePulp(failures: 0) { port, calls in
            let client = PulpClient(
                baseURL: "http://127.0.0.1:\(port)", username: "u", password: "p", retry: Self.fast, logger: Self.logger
            )
            defer { Task { try? await client.shutdown() } }
            await #expect(throws: PulpError.self) { try await client.send(.POST, "/pulp/api/v3/status/") }
            #expect(calls.withLockedValue { $0 } == 1)
        }
    }

    @Test("Pulp on a closed port: a clear transport error after bounded retries, for a POST too")
    func closedPort() async throws {
        let client = PulpClient(
            baseURL: "http://127.0.0.1:1", username: "u", password: "p", connectTimeout: .milliseconds(200),
            retry: Self.fast, logger: Self.logger)
        defer { Task { try? await client.shutdown() } }
        for method in [NIOHTTP1.HTTPMethod.GET, .POST] {
            do {
                try await client.send(method, "/pulp/api/v3/status/")
                Issue.record("\(method) to a closed port succeeded")
            } catch let error as PulpError {
                #expect(error.kind == .transport)
                #expect(error.notSent)
                #expect(error.description.contains("127.0.0.1:1"))
            }
        }
    }
}
