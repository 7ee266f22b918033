import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import NIOPosix

/// How `PulpClient` retries: `retries` more attempts after the first, waiting `firstDelay`,
/// then twice as long each time up to `maxDelay` (defaults: 4 retries, 0.25 s, 4 s: about 4 s
/// in all before a clear error).
///
/// Retried: a request that never reached Pulp (connection refused or timed out), any method;
/// a transport error or 5xx answer of an idempotent method (GET, HEAD, PUT, DELETE, OPTIONS).
/// Not retried: 4xx, timeouts of a sent request, and a POST/PATCH Pulp may have acted on.
package struct PulpRetry: Sendable {
    package var retries: Int
    package var firstDelay: Duration
    package var maxDelay: Duration

    package init(retries: Int = 4, firstDelay: Duration = .milliseconds(250), maxDelay: Duration = .seconds(4)) {
        self.retries = retries
        self.firstDelay = firstDelay
        self.maxDelay = maxDelay
    }

    /// No retries (health checks).
    package static let none = PulpRetry(retries: 0)

    static func isIdempotent(_ method: HTTPMethod) -> Bool {
        [HTTPMethod.GET, .HEAD, .PUT, .DELETE, .OPTIONS].contains(method)
    }

    func shouldRetry(_ error: PulpError, method: HTTPMethod) -> Bool {
        switch error.kind {
        case .transport: return error.notSent || Self.isIdempotent(method)
        case .http: return (error.status ?? 0) >= 500 && Self.isIdempotent(method)
        case .taskFailed, .timeout, .decoding: return false
        }
    }

    /// Whether `error` is a failure to connect (the request was never sent).
    static func isConnectFailure(_ error: any Error) -> Bool {
        if let error = error as? HTTPClientError, error == .connectTimeout { return true }
        if error is NIOConnectionError { return true }
        if let error = error as? ChannelError, case .connectTimeout = error { return true }
        if let error = error as? IOError, [ECONNREFUSED, EHOSTUNREACH, ENETUNREACH].contains(error.errnoCode) {
            return true
        }
        return false
    }
}
