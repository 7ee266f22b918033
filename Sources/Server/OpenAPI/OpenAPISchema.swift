import Spec

/// The subset of JSON Schema (OpenAPI 3.1 dialect) Kiln's document uses, rendered as `JSONValue`.
///
///     let run: OpenAPISchema = .object([.init("id", .id), .init("commit_sha", .nullable(.string()))])
package indirect enum OpenAPISchema: Sendable {
    /// `{"$ref": "#/components/schemas/<name>"}`.
    case ref(String)
    case string(format: String? = nil, allowed: [String]? = nil)
    case integer(format: String? = nil, minimum: Int? = nil, allowed: [Int]? = nil)
    case boolean
    case array(OpenAPISchema)
    /// An object: `properties`, `required` (every property not marked optional); other keys are
    /// refused unless `open` (request bodies: the server ignores keys it does not know).
    case object([Property], open: Bool = false)
    /// An object with any keys; each value matches `values` (any JSON value when nil).
    case map(values: OpenAPISchema?)
    /// The schema or JSON `null`.
    case nullable(OpenAPISchema)
    /// Exactly one of the schemas.
    case oneOf([OpenAPISchema])
    /// Any JSON value.
    case any

    /// One property of an object.
    package struct Property: Sendable {
        package var name: String
        package var schema: OpenAPISchema
        /// Whether the key is always present (answers) or must be sent (requests).
        package var required: Bool
        package var description: String?

        package init(_ name: String, _ schema: OpenAPISchema, required: Bool = true, description: String? = nil) {
            self.name = name
            self.schema = schema
            self.required = required
            self.description = description
        }
    }

    /// A database id (`BIGINT`).
    package static let id: OpenAPISchema = .integer(format: "int64")
    /// A timestamp as `WireJSON` writes it (RFC 3339, UTC).
    package static let timestamp: OpenAPISchema = .string(format: "date-time")

    /// The schema as JSON.
    package var json: JSONValue {
        switch self {
        case .ref(let name):
            return .object(["$ref": .string("#/components/schemas/\(name)")])
        case .string(let format, let allowed):
            var fields: [String: JSONValue] = ["type": .string("string")]
            if let format { fields["format"] = .string(format) }
            if let allowed { fields["enum"] = .array(allowed.map(JSONValue.string)) }
            return .object(fields)
        case .integer(let format, let minimum, let allowed):
            var fields: [String: JSONValue] = ["type": .string("integer")]
            if let format { fields["format"] = .string(format) }
            if let minimum { fields["minimum"] = .int(minimum) }
            if let allowed { fields["enum"] = .array(allowed.map(JSONValue.int)) }
            return .object(fields)
        case .boolean:
            return .object(["type": .string("boolean")])
        case .array(let items):
            return .object(["type": .string("array"), "items": items.json])
        case .object(let properties, let open):
            var map: [String: JSONValue] = [:]
            for property in properties {
                var schema = property.schema.json
                if let description = property.description, case .object(var fields) = schema {
                    fields["description"] = .string(description)
                    schema = .object(fields)
                }
                map[property.name] = schema
            }
            let required = properties.filter(\.required).map { JSONValue.string($0.name) }
            return .object([
                "type": .string("object"), "properties": .object(map), "required": .array(required),
                "additionalProperties": .bool(open)
            ])
        case .map(let values):
            return .object(["type": .string("object"), "additionalProperties": values?.json ?? .bool(true)])
        case .nullable(let schema):
            if case .object(var fields) = schema.json, case .string(let type) = fields["type"] {
                fields["type"] = .array([.string(type), .string("null")])
                if case .array(let allowed) = fields["enum"] { fields["enum"] = .array(allowed + [.null]) }
                return .object(fields)
            }
            return .object(["anyOf": .array([schema.json, .object(["type": .string("null")])])])
        case .oneOf(let schemas):
            return .object(["oneOf": .array(schemas.map(\.json))])
        case .any:
            return .object([:])
        }
    }
}
