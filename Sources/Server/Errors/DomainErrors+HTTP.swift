import Artifacts
import Hummingbird
import Logging
import Store

/// Store refusals as HTTP answers: not found 404, conflict 409 (with ALBS's `"ok": false`),
/// invalid 422, forbidden 403, timed out (statement timeout) 503.
extension BuildStoreError: HTTPResponseError, JSONDetailError {
    package var status: HTTPResponse.Status { apiError.status }

    package func response(from request: Request, context: some RequestContext) throws -> Response {
        try apiError.response(from: request, context: context)
    }

    var apiError: APIError {
        switch self {
        case .notFound(let detail): APIError(.notFound, detail)
        case .conflict(let detail): APIError(.conflict, detail, ok: false)
        case .invalid(let detail): APIError(.unprocessableContent, detail)
        case .forbidden(let detail): APIError(.forbidden, detail)
        case .timedOut(let detail): APIError(.serviceUnavailable, detail)
        }
    }
}

/// Artifact-store failures as HTTP answers: what the node sent is wrong (unknown artifact,
/// checksum, name, package) 422; anything else is the store failing, 502 (logged).
extension ArtifactStoreError: HTTPResponseError, JSONDetailError {
    package var status: HTTPResponse.Status {
        switch self {
        case .artifactNotFound, .checksumMismatch, .invalidName, .invalidPackage: .unprocessableContent
        default: .badGateway
        }
    }

    package func response(from request: Request, context: some RequestContext) throws -> Response {
        if status == .badGateway { context.logger.error("artifact store: \(self)") }
        return try APIError(status, description).response(from: request, context: context)
    }
}
