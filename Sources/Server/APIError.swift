import Hummingbird

/// An error answered as JSON `{"detail": "..."}` with an HTTP status.
///
///     throw APIError(.notFound, "Build 7 not found")
public struct APIError: Error, Sendable, CustomStringConvertible {
    public var status: HTTPResponse.Status
    public var detail: String
    /// Extra top-level keys of the JSON answer (e.g. ALBS's `"ok": false`).
    public var extra: [String: Bool]

    public init(_ status: HTTPResponse.Status, _ detail: String, extra: [String: Bool] = [:]) {
        self.status = status
        self.detail = detail
        self.extra = extra
    }

    public var description: String { "\(status.code) \(detail)" }
}
