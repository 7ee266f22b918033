import Foundation
import Hummingbird
import Spec

/// The OpenAPI 3.1 document of every route, served at `GET /openapi.json` (no token needed).
/// Built from `OpenAPIOperation.all` (the routes) and `OpenAPIWireSchema.all` (the bodies); each
/// route also answers the shared errors below, all `{"detail": ...}`:
/// 401 (no or a bad token), 403 (a token of another scope), 400/413/422 (routes reading a body),
/// 422 (a bad path or query parameter), 500 and 503 with `Retry-After`.
package enum OpenAPIDocument {
    /// The document as JSON.
    package static let json: JSONValue = build()

    /// The document's bytes (sorted keys: the same document always gives the same bytes).
    package static let bytes: [UInt8] = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? Array(encoder.encode(json))) ?? Array("{}".utf8)
    }()

    /// The shared answers, by status, under `components/responses`.
    static let sharedResponses: [String: (status: Int, description: String)] = [
        "BadRequest": (400, "Malformed JSON body."),
        "Unauthorized": (401, "No bearer token, or an invalid or expired one."),
        "InvalidToken": (401, "An Authorization header that is not a valid bearer token (none is needed)."),
        "Forbidden": (403, "A token of another scope."),
        "PayloadTooLarge": (413, "The body is larger than the limit `detail` names."),
        "Unprocessable": (422, "A body, path or query parameter of the wrong shape or value; `detail` names it."),
        "InternalError": (500, "An unexpected failure (logged; `detail` shows no cause)."),
        "ServiceUnavailable": (
            503, "PostgreSQL (or another store) is unreachable: try again after `Retry-After` seconds."
        )
    ]

    private static func build() -> JSONValue {
        var paths: [String: [String: JSONValue]] = [:]
        for operation in OpenAPIOperation.all {
            paths[operation.path, default: [:]][operation.method] = render(operation)
        }
        var schemas: [String: JSONValue] = [:]
        for wire in OpenAPIWireSchema.all {
            guard case .object(var fields) = wire.schema.json else { continue }
            fields["description"] = .string(wire.description)
            schemas[wire.name] = .object(fields)
        }
        var responses: [String: JSONValue] = [:]
        for (name, shared) in sharedResponses {
            responses[name] = errorResponse(shared.description, retryAfter: shared.status == 503)
        }
        let tags = [
            "service", "builds", "build_node", "platforms", "platform_flavors", "distributions", "repositories",
            "sign-keys", "releases",
            "reconcile", "webhooks", "auth", "projects"
        ]
        return .object([
            "openapi": .string("3.1.0"),
            "info": .object([
                "title": .string("Kiln"),
                "version": .string("1"),
                "description": .string(
                    "Kiln's HTTP API: the ALBS paths and JSON fields. Errors are `{\"detail\": \"...\"}`. "
                        + "Routes with a `bearerAuth` requirement need `Authorization: Bearer <JWT>` "
                        + "(`kiln token create`) of one of the listed scopes; an admin token passes every check.")
            ]),
            "tags": .array(tags.map { .object(["name": .string($0)]) }),
            "paths": .object(paths.mapValues { .object($0) }),
            "components": .object([
                "schemas": .object(schemas),
                "responses": .object(responses),
                "headers": .object([
                    "Retry-After": .object([
                        "description": .string("Seconds to wait before trying again."),
                        "schema": .object(["type": .string("integer"), "minimum": .int(0)])
                    ])
                ]),
                "securitySchemes": .object([
                    "bearerAuth": .object([
                        "type": .string("http"), "scheme": .string("bearer"), "bearerFormat": .string("JWT"),
                        "description": .string("A Kiln token: scope `user`, `node`, `sign_node` or `admin`.")
                    ])
                ])
            ])
        ])
    }

    private static func render(_ operation: OpenAPIOperation) -> JSONValue {
        var responses: [String: JSONValue] = [:]
        for answer in operation.responses {
            var fields: [String: JSONValue] = ["description": .string(answer.description)]
            if let schema = answer.schema {
                fields["content"] = .object(["application/json": .object(["schema": schema.json])])
            }
            if answer.status == 503 {
                fields["headers"] = .object([
                    "Retry-After": .object(["$ref": .string("#/components/headers/Retry-After")])
                ])
            }
            responses[String(answer.status)] = .object(fields)
        }
        func shared(_ name: String) {
            guard let status = sharedResponses[name]?.status, responses[String(status)] == nil else { return }
            responses[String(status)] = .object(["$ref": .string("#/components/responses/\(name)")])
        }
        shared(operation.scopes.isEmpty ? "InvalidToken" : "Unauthorized")
        if !operation.scopes.isEmpty { shared("Forbidden") }
        if operation.body != nil {
            (operation.decodesJSON ? ["BadRequest"] : []).forEach(shared)
            ["PayloadTooLarge", "Unprocessable"].forEach(shared)
        }
        if operation.parameters.contains(where: { $0.location != .header }) { shared("Unprocessable") }
        if operation.canFail { ["InternalError", "ServiceUnavailable"].forEach(shared) }

        var fields: [String: JSONValue] = [
            "operationId": .string(operation.id),
            "summary": .string(operation.summary),
            "tags": .array([.string(operation.tag)]),
            "responses": .object(responses)
        ]
        if !operation.scopes.isEmpty {
            let scopes = operation.scopes + (operation.scopes.contains(.admin) ? [] : [.admin])
            fields["security"] = .array(scopes.map { .object(["bearerAuth": .array([.string($0.rawValue)])]) })
            fields["description"] = .string(
                "Token scope: " + scopes.map { "`\($0.rawValue)`" }.joined(separator: " or ") + ".")
        }
        if !operation.parameters.isEmpty {
            fields["parameters"] = .array(
                operation.parameters.map {
                    var fields: [String: JSONValue] = [
                        "name": .string($0.name), "in": .string($0.location.rawValue), "required": .bool($0.required),
                        "description": .string($0.description), "schema": $0.schema.json
                    ]
                    fields["example"] = $0.example
                    return .object(fields)
                })
        }
        if let body = operation.body {
            var mediaType: [String: JSONValue] = ["schema": body.json]
            mediaType["example"] = operation.bodyExample
            fields["requestBody"] = .object([
                "required": .bool(true),
                "content": .object(["application/json": .object(mediaType)])
            ])
        }
        return .object(fields)
    }

    private static func errorResponse(_ description: String, retryAfter: Bool) -> JSONValue {
        var fields: [String: JSONValue] = [
            "description": .string(description),
            "content": .object([
                "application/json": .object(["schema": .object(["$ref": .string("#/components/schemas/Error")])])
            ])
        ]
        if retryAfter {
            fields["headers"] = .object(["Retry-After": .object(["$ref": .string("#/components/headers/Retry-After")])])
        }
        return .object(fields)
    }
}

/// Registers `GET /openapi.json` (no token needed).
package func addOpenAPIRoute(to router: Router<KilnRequestContext>) {
    router.get("/openapi.json") { _, _ in
        Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: OpenAPIDocument.bytes)))
    }
}
