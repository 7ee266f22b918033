import Spec

/// One route of the API as the OpenAPI document describes it.
package struct OpenAPIOperation: Sendable {
    package var method: String
    /// The path as ALBS clients write it (`/api/v1/builds/{build_id}/`); the router ignores the trailing slash.
    package var path: String
    package var id: String
    package var tag: String
    package var summary: String
    /// The scopes whose bearer token the route accepts (an admin token passes every check); empty: no token needed.
    package var scopes: [AuthScope]
    package var parameters: [Parameter]
    /// The JSON request body, when the route reads one.
    package var body: OpenAPISchema?
    /// A body that works against `examples/` (schemathesis sends it first).
    package var bodyExample: JSONValue?
    /// The answers particular to the route; the shared error answers are added by `OpenAPIDocument`.
    package var responses: [Answer]
    /// Whether the route can fail with 500 and answer 503 during an outage (all but the document itself).
    package var canFail = true
    /// Whether the body is decoded as JSON up front (400 when malformed); webhooks check a signature first.
    package var decodesJSON = true

    package struct Parameter: Sendable {
        package enum Location: String, Sendable {
            case path, query, header
        }
        package var name: String
        package var location: Location
        package var schema: OpenAPISchema
        package var required: Bool
        package var description: String
        package var example: JSONValue? = nil

        package static func path(_ name: String, minimum: Int? = nil, example: Int = 1) -> Parameter {
            Parameter(
                name: name, location: .path, schema: .integer(format: "int64", minimum: minimum), required: true,
                description: "An integer id (422 otherwise).", example: .int(example))
        }
    }

    package struct Answer: Sendable {
        package var status: Int
        package var description: String
        /// The JSON body; nil for an empty answer.
        package var schema: OpenAPISchema?

        package init(_ status: Int, _ description: String, _ schema: OpenAPISchema? = nil) {
            self.status = status
            self.description = description
            self.schema = schema
        }

        /// An error answer `{"detail": ...}`.
        package static func error(_ status: Int, _ description: String) -> Answer {
            Answer(status, description, .ref("Error"))
        }
    }
}
