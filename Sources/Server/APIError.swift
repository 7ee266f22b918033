import Hummingbird

/// An error answered as JSON `{"detail": "..."}` with an HTTP status (conflicts of the
/// build-node protocol add ALBS's `"ok": false`).
///
///     throw APIError(.notFound, "Build 7 not found")
package struct APIError: HTTPResponseError, Sendable, CustomStringConvertible {
    package var status: HTTPResponse.Status
    package var detail: String
    /// The `ok` key of the answer, when set.
    package var ok: Bool?

    package init(_ status: HTTPResponse.Status, _ detail: String, ok: Bool? = nil) {
        self.status = status
        self.detail = detail
        self.ok = ok
    }

    package var description: String { "\(status.code) \(detail)" }

    package func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = try WireJSON.encoder().encode(
            ErrorAnswer(detail: detail, ok: ok), from: request, context: context)
        response.status = status
        return response
    }
}

/// The body of every error answer: `{"detail": "...", "ok": false}` (`ok` only when set).
package struct ErrorAnswer: Codable, Sendable, Equatable {
    package var detail: String
    package var ok: Bool?
}
