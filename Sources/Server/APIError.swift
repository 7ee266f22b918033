import Hummingbird

/// An error answered as JSON `{"detail": "..."}` with an HTTP status (conflicts of the
/// build-node protocol add ALBS's `"ok": false`).
///
///     throw APIError(.notFound, "Build 7 not found")
public struct APIError: HTTPResponseError, Sendable, CustomStringConvertible {
    public var status: HTTPResponse.Status
    public var detail: String
    /// The `ok` key of the answer, when set.
    public var ok: Bool?

    public init(_ status: HTTPResponse.Status, _ detail: String, ok: Bool? = nil) {
        self.status = status
        self.detail = detail
        self.ok = ok
    }

    public var description: String { "\(status.code) \(detail)" }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = try WireJSON.encoder().encode(ErrorAnswer(detail: detail, ok: ok), from: request, context: context)
        response.status = status
        return response
    }
}

/// The body of every error answer: `{"detail": "...", "ok": false}` (`ok` only when set).
package struct ErrorAnswer: Codable, Sendable, Equatable {
    package var detail: String
    package var ok: Bool?
}
