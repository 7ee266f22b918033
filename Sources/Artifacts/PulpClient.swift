import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// A thin JSON client for Pulp's REST API: one shared keep-alive `HTTPClient`, basic auth,
/// timeouts, task polling and paged listing. `PulpArtifactStore` builds on it.
package final class PulpClient: Sendable {
    /// Root URL without trailing slash, e.g. `http://127.0.0.1:24817`.
    package let baseURL: String
    let authorization: String
    let http: HTTPClient
    let requestTimeout: TimeAmount
    /// How failed calls are retried (connection errors; 5xx for idempotent methods).
    package let retry: PulpRetry
    /// How long a task may run before `waitForTask` gives up.
    package let taskTimeout: Duration
    let logger: Logger

    /// - Parameter baseURL: Pulp's API origin; a trailing `/` or `/pulp/api/v3` is accepted.
    /// - Parameter connectTimeout: how long a refused/unreachable Pulp is retried before failing.
    package init(
        baseURL: String, username: String, password: String,
        requestTimeout: Duration = .seconds(60), taskTimeout: Duration = .seconds(600),
        connectTimeout: Duration = .seconds(3),
        maxConnections: Int = 16, retry: PulpRetry = PulpRetry(), logger: Logger = Logger(label: "kiln.pulp")
    ) {
        self.retry = retry
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        if base.hasSuffix("/pulp/api/v3") { base.removeLast("/pulp/api/v3".count) }
        self.baseURL = base
        self.authorization = "Basic " + Data("\(username):\(password)".utf8).base64EncodedString()
        var config = HTTPClient.Configuration(
            timeout: .init(
                connect: .milliseconds(Int64(connectTimeout / .milliseconds(1))),
                read: .seconds(Int64(requestTimeout.components.seconds))),
            connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: maxConnections)
        )
        config.httpVersion = .http1Only
        self.http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: config)
        self.requestTimeout = .seconds(Int64(requestTimeout.components.seconds))
        self.taskTimeout = taskTimeout
        self.logger = logger
    }

    /// Closes the connection pool.
    package func shutdown() async throws {
        try await http.shutdown()
    }

    /// A response whose status was 2xx.
    package struct Response: Sendable {
        package var status: Int
        package var body: ByteBuffer
        package var data: Data { Data(body.readableBytesView) }
        package var text: String { String(buffer: body) }
    }

    /// Full URL for an href (`/pulp/api/v3/...`), a path, or an absolute URL (as `next` links are).
    package func url(_ hrefOrURL: String, query: [(String, String)] = []) -> String {
        var s = hrefOrURL.hasPrefix("http://") || hrefOrURL.hasPrefix("https://") ? hrefOrURL : baseURL + hrefOrURL
        if !query.isEmpty {
            var c = URLComponents()
            c.queryItems = query.map { URLQueryItem(name: $0.0, value: $0.1) }
            // URLComponents leaves '=' and '+' alone inside values; Pulp needs them encoded.
            let q = (c.percentEncodedQuery ?? "")
                .replacingOccurrences(of: "+", with: "%2B")
            let encoded = q.split(separator: "&").map { pair -> String in
                guard let eq = pair.firstIndex(of: "=") else { return String(pair) }
                let key = pair[..<eq]
                let value = pair[pair.index(after: eq)...]
                return key + "=" + value.replacingOccurrences(of: "=", with: "%3D")
            }.joined(separator: "&")
            s += (s.contains("?") ? "&" : "?") + encoded
        }
        return s
    }

    /// Sends a request; non-2xx answers throw `PulpError` with status, URL and body. Connection
    /// failures are retried with back-off (`retry`; `retries` overrides its attempts), and so are
    /// 5xx answers of idempotent methods (GET, HEAD, PUT, DELETE): a POST or PATCH Pulp may have
    /// acted on is not sent twice.
    @discardableResult
    package func send(
        _ method: HTTPMethod, _ href: String, query: [(String, String)] = [], json: Data? = nil,
        body: ByteBuffer? = nil, contentType: String? = nil, timeout: TimeAmount? = nil,
        allow: Set<Int> = [], retries: Int? = nil
    ) async throws -> Response {
        try await retrying(method, retries: retries ?? retry.retries) {
            try await sendOnce(
                method, href, query: query, json: json, body: body, contentType: contentType, timeout: timeout,
                allow: allow)
        }
    }

    private func sendOnce(
        _ method: HTTPMethod, _ href: String, query: [(String, String)], json: Data?,
        body: ByteBuffer?, contentType: String?, timeout: TimeAmount?, allow: Set<Int>
    ) async throws -> Response {
        let target = url(href, query: query)
        var request = HTTPClientRequest(url: target)
        request.method = method
        request.headers.add(name: "Authorization", value: authorization)
        request.headers.add(name: "Accept", value: "application/json")
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: json))
        } else if let body {
            request.headers.add(name: "Content-Type", value: contentType ?? "application/octet-stream")
            request.body = .bytes(body)
        }
        let response: HTTPClientResponse
        let buffer: ByteBuffer
        do {
            response = try await http.execute(request, timeout: timeout ?? requestTimeout, logger: nil)
            buffer = try await response.body.collect(upTo: 256 * 1024 * 1024)
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            throw PulpError(kind: .timeout, method: method.rawValue, url: target, body: "\(error)")
        } catch {
            var failure = PulpError(kind: .transport, method: method.rawValue, url: target, body: "\(error)")
            failure.notSent = PulpRetry.isConnectFailure(error)
            throw failure
        }
        let status = Int(response.status.code)
        guard (200..<300).contains(status) || allow.contains(status) else {
            throw PulpError(
                kind: .http, status: status, method: method.rawValue, url: target, body: String(buffer: buffer))
        }
        return Response(status: status, body: buffer)
    }

    /// Streams a GET of `url` (an absolute URL, e.g. a distribution's content URL, or an href)
    /// into `destination`, through a temporary file next to it renamed at the end. A 404 is
    /// `ArtifactStoreError.artifactNotFound(url)`; other failures are `PulpError`s, retried as
    /// ``send(_:_:query:json:body:contentType:timeout:allow:retries:)`` retries a GET. The
    /// API credentials go only to Pulp's own origin.
    package func download(_ url: String, to destination: URL) async throws {
        try await retrying(.GET, retries: retry.retries) { try await downloadOnce(url, to: destination) }
    }

    /// Runs `body` until it succeeds, or throws an error `retry` does not retry for `method`, or
    /// `retries` retries (with back-off) have failed: then the last error is thrown.
    private func retrying<T>(_ method: HTTPMethod, retries: Int, _ body: () async throws -> T) async throws -> T {
        var delay = retry.firstDelay
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await body()
            } catch let error as PulpError where attempt <= retries && retry.shouldRetry(error, method: method) {
                logger.warning("\(error); retry \(attempt) of \(retries) in \(delay)")
                try await Task.sleep(for: delay)
                delay = min(delay * 2, retry.maxDelay)
            }
        }
    }

    private func downloadOnce(_ href: String, to destination: URL) async throws {
        let target = self.url(href)
        let partial = partialDownloadURL(for: destination)
        var headers = HTTPHeaders()
        if target.hasPrefix(baseURL + "/") { headers.add(name: "Authorization", value: authorization) }
        let progress: FileDownloadDelegate.Progress
        do {
            let request = try HTTPClient.Request(url: target, method: .GET, headers: headers)
            let delegate = try FileDownloadDelegate(path: partial.path)
            progress = try await http.execute(request: request, delegate: delegate).get()
        } catch {
            try? FileManager.default.removeItem(at: partial)
            if let error = error as? HTTPClientError, error == .deadlineExceeded || error == .readTimeout {
                throw PulpError(kind: .timeout, method: "GET", url: target, body: "\(error)")
            }
            var failure = PulpError(kind: .transport, method: "GET", url: target, body: "\(error)")
            failure.notSent = PulpRetry.isConnectFailure(error)
            throw failure
        }
        let status = Int(progress.head.status.code)
        guard (200..<300).contains(status) else {
            let body = (try? FileHandle(forReadingFrom: partial).read(upToCount: 2000)).flatMap { $0 } ?? Data()
            try? FileManager.default.removeItem(at: partial)
            if status == 404 { throw ArtifactStoreError.artifactNotFound(target) }
            throw PulpError(
                kind: .http, status: status, method: "GET", url: target, body: String(decoding: body, as: UTF8.self))
        }
        try finishDownload(partial, at: destination)
    }

    /// Sends a JSON request and decodes the answer.
    package func json<T: Decodable>(
        _ type: T.Type, _ method: HTTPMethod, _ href: String, query: [(String, String)] = [],
        body: (any Encodable)? = nil
    ) async throws -> T {
        let data = try body.map { try Self.encoder.encode($0) }
        let response = try await send(method, href, query: query, json: data)
        return try decode(type, response, method: method, href: href)
    }

    func decode<T: Decodable>(_ type: T.Type, _ response: Response, method: HTTPMethod, href: String) throws -> T {
        do {
            return try Self.decoder.decode(type, from: response.data)
        } catch {
            throw PulpError(
                kind: .decoding, status: response.status, method: method.rawValue, url: url(href),
                body: "\(error): \(response.text.prefix(500))")
        }
    }

    /// Sends a write; when Pulp answers 202 with a task, waits for it and returns its
    /// `createdResources`; a synchronous answer returns `[pulpHref]` of the object (if any).
    @discardableResult
    package func write(_ method: HTTPMethod, _ href: String, body: (any Encodable)? = nil) async throws -> [String] {
        let data = try body.map { try Self.encoder.encode($0) }
        let response = try await send(method, href, json: data)
        return try await settle(response, method: method, href: href)
    }

    func settle(_ response: Response, method: HTTPMethod, href: String) async throws -> [String] {
        if response.status == 204 || response.body.readableBytes == 0 { return [] }
        let ref = try decode(HrefOrTask.self, response, method: method, href: href)
        if let task = ref.task { return try await waitForTask(task) }
        return ref.pulpHref.map { [$0] } ?? []
    }

    /// Polls `tasks/{id}/` until it is completed (returns `createdResources`), failed or
    /// canceled (throws `PulpError.taskFailed` with Pulp's message) or `taskTimeout` passes.
    package func waitForTask(_ taskHref: String) async throws -> [String] {
        let clock = ContinuousClock()
        let deadline = clock.now + taskTimeout
        var delay = Duration.milliseconds(20)
        while true {
            let task: PulpTask = try await json(PulpTask.self, .GET, taskHref)
            switch task.state {
            case "completed":
                return task.createdResources ?? []
            case "failed", "canceled", "canceling":
                let message = task.error?.description ?? task.state
                throw PulpError(
                    kind: .taskFailed, method: "GET", url: url(taskHref),
                    body: "\(task.name ?? "task") \(task.state): \(message)")
            default:
                if clock.now > deadline {
                    throw PulpError(
                        kind: .timeout, method: "GET", url: url(taskHref),
                        body: "task still \(task.state) after \(taskTimeout)")
                }
                try await Task.sleep(for: delay)
                delay = min(delay * 3 / 2, .milliseconds(250))
            }
        }
    }

    /// Every object of a list endpoint, following `next` (pages of `pageSize`).
    package func listAll<T: Decodable & Sendable>(
        _ type: T.Type, _ href: String, query: [(String, String)] = [], pageSize: Int = 1000
    ) async throws -> [T] {
        var results: [T] = []
        var next: String? = url(href, query: query + [("limit", String(pageSize))])
        while let page = next {
            let p: PulpPage<T> = try await json(PulpPage<T>.self, .GET, page)
            results += p.results
            next = p.next
        }
        return results
    }

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = .sortedKeys
        return e
    }()
    static let decoder = JSONDecoder()
}

/// One page of a Pulp list endpoint.
package struct PulpPage<T: Decodable & Sendable>: Decodable, Sendable {
    package var count: Int
    package var next: String?
    package var results: [T]
}

struct HrefOrTask: Decodable {
    var task: String?
    var pulpHref: String?
    enum CodingKeys: String, CodingKey {
        case task
        case pulpHref = "pulp_href"
    }
}

struct PulpTask: Decodable {
    struct TaskError: Decodable {
        var description: String?
        var traceback: String?
    }
    var state: String
    var name: String?
    var error: TaskError?
    var createdResources: [String]?
    enum CodingKeys: String, CodingKey {
        case state, name, error
        case createdResources = "created_resources"
    }
}
