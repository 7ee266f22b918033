import Foundation

/// A failed call to Pulp: transport error, unexpected HTTP status, failed task or timeout.
package struct PulpError: Error, Sendable, CustomStringConvertible {
    package enum Kind: String, Sendable {
        case transport, http, taskFailed, timeout, decoding
    }
    package var kind: Kind
    /// HTTP status, when Pulp answered.
    package var status: Int?
    package var method: String
    package var url: String
    /// Pulp's response body or the task's error description (truncated).
    package var body: String
    /// The request never reached Pulp (connection refused, connect timeout): safe to send again.
    package var notSent = false

    package init(kind: Kind, status: Int? = nil, method: String, url: String, body: String) {
        self.kind = kind
        self.status = status
        self.method = method
        self.url = url
        self.body = String(body.prefix(2000))
    }

    package var description: String {
        switch kind {
        case .http: return "pulp: \(method) \(url) -> HTTP \(status ?? 0): \(body)"
        case .transport: return "pulp: \(method) \(url) failed: \(body)"
        case .taskFailed: return "pulp: task \(url) failed: \(body)"
        case .timeout: return "pulp: \(method) \(url) timed out: \(body)"
        case .decoding: return "pulp: \(method) \(url): unexpected answer: \(body)"
        }
    }
}
