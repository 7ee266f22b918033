import Foundation
import NIOHTTP1
import PostgresNIO
import Server
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Issue 8: each limit answers 413/422 naming its setting before any query runs; a request
/// transaction past the statement timeout is cancelled (503, nothing written); a connection
/// whose headers never finish is closed; a webhook without a signature header is refused
/// before its body is read.
@Suite struct RequestLimitTests {
    static func limited() -> ServerSettings {
        var settings = ServerSettings()
        settings.limits = RequestLimits(
            maxBodySize: 4096, maxBuildTasks: 3, maxNodeArches: 2, maxBuildArtifacts: 1, maxListItems: 1)
        return settings
    }

    @Test func limitsAnswerBeforeAnyQuery() async throws {
        try await RouterHarness.with(settings: Self.limited()) { h in
            try await Fixtures.platform(h.client, name: "P", arches: ["x86_64", "i686"])
            let user = try await h.userToken("alice")
            // A token whose user does not exist: a check that ran a query would answer 401.
            let ghost = try await h.tokens.issue(KilnClaims(sub: "ghost", scope: .user, uid: 987_654))
            let node = try await h.nodeToken("n1")

            // 2 refs × (src + 2 arches) = 6 tasks > 3.
            let big = try await h.call(
                .POST, "/api/v1/builds/", token: ghost,
                json: [
                    "platforms": [["name": "Nowhere", "arch_list": ["x86_64", "i686"]]],
                    "tasks": [["url": "https://g/a.git"], ["url": "https://g/b.git"]]
                ])
            #expect(big.status == 422)
            #expect(big.detail?.contains("KILN_MAX_BUILD_TASKS") ?? false, "\(big.text)")
            #expect(big.detail?.contains("6 tasks") ?? false, "\(big.text)")

            let arches = try await h.call(
                .POST, "/api/v1/build_node/get_task", token: node,
                json: ["supported_arches": ["x86_64", "i686", "aarch64"]])
            #expect(arches.status == 422)
            #expect(arches.detail?.contains("KILN_MAX_NODE_ARCHES") ?? false, "\(arches.text)")

            // An unknown task: a check after the task lookup would answer 404.
            let artifact: [String: Any] = [
                "name": "a-1-1.x86_64.rpm", "type": "rpm", "href": "/h", "sha256": String(repeating: "a", count: 64)
            ]
            let artifacts = try await h.call(
                .POST, "/api/v1/build_node/build_done", token: node,
                json: ["task_id": 987_654, "status": "done", "artifacts": [artifact, artifact]])
            #expect(artifacts.status == 422)
            #expect(artifacts.detail?.contains("KILN_MAX_BUILD_ARTIFACTS") ?? false, "\(artifacts.text)")

            let body = try await h.call(
                .POST, "/api/v1/build_node/ping", token: node,
                raw: #"{"active_tasks": []"# + String(repeating: " ", count: 5000) + "}")
            #expect(body.status == 413)
            #expect(body.detail?.contains("KILN_MAX_BODY_SIZE") ?? false, "\(body.text)")

            // Two builds, one list item allowed: the unpaginated list refuses, pages still work.
            _ = try await h.createBuild(token: user)
            var list = try await h.call(.GET, "/api/v1/builds/", token: user)
            #expect(list.status == 200)
            #expect(list.array.count == 1)
            _ = try await h.createBuild(token: user)
            list = try await h.call(.GET, "/api/v1/builds/", token: user)
            #expect(list.status == 422)
            #expect(list.detail?.contains("KILN_MAX_LIST_ITEMS") ?? false, "\(list.text)")
            let page = try await h.call(.GET, "/api/v1/builds/?pageNumber=2", token: user)
            #expect(page.status == 200)
            #expect(try await h.count("SELECT count(*) FROM builds") == 2)
        }
    }

    @Test func statementTimeoutCancelsAndWritesNothing() async throws {
        var settings = ServerSettings()
        settings.limits.statementTimeout = .milliseconds(300)
        try await RouterHarness.with(settings: settings) { h in
            try await Fixtures.platform(h.client, name: "P", arches: ["x86_64"])
            let user = try await h.userToken("alice")
            // Another session holds the builds table: the build's INSERT waits past the timeout.
            let logger = ServerHarness.logger
            let answer = try await h.client.withConnection { connection in
                try await connection.query("BEGIN", logger: logger)
                try await connection.query("LOCK TABLE builds IN ACCESS EXCLUSIVE MODE", logger: logger)
                let answer = try await h.call(
                    .POST, "/api/v1/builds/", token: user,
                    json: [
                        "platforms": [["name": "P", "arch_list": ["x86_64"]]],
                        "tasks": [["url": "https://git.example.org/rpms/hello.git"]]
                    ])
                try await connection.query("ROLLBACK", logger: logger)
                return answer
            }
            #expect(answer.status == 503, "\(answer.text)")
            #expect(answer.detail?.contains("KILN_STATEMENT_TIMEOUT") ?? false, "\(answer.text)")
            #expect(try await h.count("SELECT count(*) FROM builds") == 0)
            #expect(try await h.count("SELECT count(*) FROM build_task_refs") == 0)
            // The pool's connection is usable again at once.
            let created = try await h.createBuild(token: user)
            #expect(created.tasks.count == 1)
        }
    }

    @Test func halfOpenConnectionsAreClosedAndWebhooksCheckTheHeaderFirst() async throws {
        var settings = ServerSettings()
        settings.limits.idleTimeout = .seconds(1)
        let configure: (inout ServerDependencies) -> Void = {
            $0.webhooks = WebhookSettings(secret: Array("s3cret".utf8))
        }
        try await ServerHarness.with(settings: settings, configure: configure) { h in
            // A delivery announcing 100 MB without a signature: answered at once, body unread.
            let unsigned = try await RawClient.exchange(
                port: h.port,
                request: "POST /api/v1/webhooks/github HTTP/1.1\r\nHost: kiln\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 100000000\r\n\r\n{")
            #expect(unsigned.hasPrefix("HTTP/1.1 401"), "\(unsigned)")
            #expect(unsigned.contains("X-Hub-Signature-256"), "\(unsigned)")
            // Headers that never finish: the server closes the connection (EOF, not our timeout).
            let halfOpen = try await RawClient.exchange(
                port: h.port, request: "GET /health HTTP/1.1\r\nHost: kiln\r\n", untilClosed: true)
            #expect(halfOpen == "", "\(halfOpen)")
            // The server still answers.
            #expect(try await h.call(.GET, "/health").status == 200)
        }
    }
}

/// A blocking TCP client on a loopback port, run off the cooperative pool: sends `request`
/// and returns what it reads until the peer closes (`untilClosed`) or an answer's first
/// chunk arrives. Throws when nothing happens within 60 s (the server never closed).
enum RawClient {
    static func exchange(port: Int, request: String, untilClosed: Bool = false) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try run(port: port, request: request, untilClosed: untilClosed) })
            }
        }
    }

    private static func run(port: Int, request: String, untilClosed: Bool) throws -> String {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw HarnessError(description: "socket failed") }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 60, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw HarnessError(description: "connect failed") }
        let bytes = Array(request.utf8)
        guard send(fd, bytes, bytes.count, 0) == bytes.count else { throw HarnessError(description: "send failed") }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n == 0 { break }
            if n < 0 { throw HarnessError(description: "no answer and no close within 60 s (errno \(errno))") }
            received += buffer[0..<n]
            let text = String(decoding: received, as: UTF8.self)
            if !untilClosed, let end = text.range(of: "\r\n\r\n"), text[end.upperBound...].contains("}") { break }
        }
        return String(decoding: received, as: UTF8.self)
    }
}
