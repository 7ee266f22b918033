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
    /// Seconds for a `Retry-After` header (503 while the database is unreachable).
    package var retryAfter: Int?

    package init(_ status: HTTPResponse.Status, _ detail: String, ok: Bool? = nil, retryAfter: Int? = nil) {
        self.status = status
        self.detail = detail
        self.ok = ok
        self.retryAfter = retryAfter
    }

    /// `503 {"detail": "Database unreachable: <cause>; retry later"}` with `Retry-After`.
    package static func databaseUnavailable(_ cause: String, retryAfter: Int = 2) -> APIError {
        APIError(
            .serviceUnavailable, "Database unreachable: \(cause); retry later", retryAfter: retryAfter)
    }

    package var description: String { "\(status.code) \(detail)" }

    package func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = try WireJSON.encoder().encode(
            ErrorAnswer(detail: detail, ok: ok), from: request, context: context)
        response.status = status
        if let retryAfter { response.headers[.retryAfter] = "\(retryAfter)" }
        return response
    }
}

/// The body of every error answer: `{"detail": "...", "ok": false}` (`ok` only when set).
package struct ErrorAnswer: Codable, Sendable, Equatable {
    package var detail: String
    package var ok: Bool?
}
