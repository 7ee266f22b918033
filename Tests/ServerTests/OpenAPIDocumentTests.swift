import Artifacts
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import PostgresNIO
import Server
import Spec
import Testing

/// `GET /openapi.json` is true: its paths and methods are the router's, and every schema is the
/// wire type's (a sample of each schema decodes into the type and encodes back unchanged).
@Suite struct OpenAPIDocumentTests {
    /// A router over a database that is never connected to (no route runs here but the document's).
    static func router() async throws -> Router<KilnRequestContext> {
        let client = PostgresClient(
            configuration: .init(
                host: "127.0.0.1", port: 1, username: "kiln", password: nil, database: nil, tls: .disable))
        let store = LocalArtifactStore(
            root: URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("kiln-openapi-\(UUID())"))
        let tokens = try await TokenAuthority(secret: ServerHarness.secret)
        return KilnServer.makeRouter(
            ServerDependencies(database: client, artifactStore: store, tokens: tokens, logger: ServerHarness.logger))
    }

    static var document: [String: JSONValue] {
        guard case .object(let fields) = OpenAPIDocument.json else { return [:] }
        return fields
    }

    static var schemas: [String: JSONValue] {
        guard case .object(let components) = document["components"], case .object(let schemas) = components["schemas"]
        else { return [:] }
        return schemas
    }

    /// `METHOD /path` without a trailing slash (the router ignores it).
    static func route(_ method: String, _ path: String) -> String {
        let trimmed = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
        return "\(method.uppercased()) \(trimmed)"
    }

    @Test func documentedRoutesAreTheRoutersRoutes() async throws {
        let served = Set(try await Self.router().routes.map { Self.route($0.method.rawValue, $0.path.description) })
        guard case .object(let paths) = Self.document["paths"] else {
            Issue.record("the document has no paths")
            return
        }
        var documented = Set<String>()
        for (path, item) in paths {
            guard case .object(let operations) = item else { continue }
            for method in operations.keys { documented.insert(Self.route(method, path)) }
        }
        #expect(served.count >= 27)
        #expect(served.subtracting(documented).sorted() == [], "routes missing from /openapi.json")
        #expect(documented.subtracting(served).sorted() == [], "documented routes the router does not serve")
    }

    @Test func everySchemaIsAWireType() throws {
        var checked = 0
        for wire in OpenAPIWireSchema.all {
            guard let roundTrip = wire.roundTrip else {
                #expect(wire.name == "Health", "\(wire.name) has no wire type")
                continue
            }
            let schema = try #require(Self.schemas[wire.name])
            let validator = SchemaValidator(schemas: Self.schemas)
            for sample in SchemaSamples(schemas: Self.schemas).samples(of: schema) {
                #expect(validator.errors(sample, schema) == [], "\(wire.name): the sample itself \(sample)")
                let sent = try JSONEncoder().encode(sample)
                let answered: Data?
                do {
                    answered = try roundTrip(sent)
                } catch {
                    Issue.record("\(wire.name): \(String(decoding: sent, as: UTF8.self)) does not decode: \(error)")
                    continue
                }
                checked += 1
                guard let answered else { continue }
                let back = try JSONDecoder().decode(JSONValue.self, from: answered)
                #expect(validator.errors(back, schema) == [], "\(wire.name): encoded \(back)")
                #expect(back == sample, "\(wire.name): the wire type's fields differ from the schema's")
            }
        }
        #expect(checked >= 2 * (OpenAPIWireSchema.all.count - 1))
    }

    @Test func examplesFitTheirSchemasAndWireTypes() throws {
        let validator = SchemaValidator(schemas: Self.schemas)
        var checked = 0
        for operation in OpenAPIOperation.all {
            for parameter in operation.parameters {
                guard let example = parameter.example else { continue }
                #expect(validator.errors(example, parameter.schema.json) == [], "\(operation.id) \(parameter.name)")
                checked += 1
            }
            guard let example = operation.bodyExample, let body = operation.body else { continue }
            #expect(validator.errors(example, body.json) == [], "\(operation.id) body example")
            guard case .ref(let name) = body,
                let roundTrip = OpenAPIWireSchema.all.first(where: { $0.name == name })?.roundTrip
            else {
                Issue.record("\(operation.id): the body is not a wire schema")
                continue
            }
            #expect(throws: Never.self) { try roundTrip(JSONEncoder().encode(example)) }
            checked += 1
        }
        #expect(checked >= 10)
    }

    @Test func aRenamedFieldFailsTheCheck() throws {
        let build = try #require(OpenAPIWireSchema.all.first { $0.name == "Build" }?.roundTrip)
        let schema = try #require(Self.schemas["Build"])
        guard case .object(var sample) = SchemaSamples(schemas: Self.schemas).samples(of: schema)[0] else {
            Issue.record("the Build sample is not an object")
            return
        }
        #expect(try build(JSONEncoder().encode(JSONValue.object(sample))) != nil)
        sample["createdAt"] = sample.removeValue(forKey: "created_at")
        #expect(throws: DecodingError.self) { try build(JSONEncoder().encode(JSONValue.object(sample))) }
        // An answer with a key the schema does not list is refused by the validator.
        sample["created_at"] = sample["createdAt"]
        #expect(SchemaValidator(schemas: Self.schemas).errors(.object(sample), schema).count == 1)
    }

    @Test func everyReferenceResolves() throws {
        let text = String(decoding: OpenAPIDocument.bytes, as: UTF8.self)
        let pattern = #/"\$ref":"#\/components\/(\w+)\/([\w-]+)"/#
        var seen = 0
        for match in text.matches(of: pattern) {
            seen += 1
            guard case .object(let components) = Self.document["components"],
                case .object(let section) = components[String(match.1)]
            else {
                Issue.record("no components/\(match.1)")
                continue
            }
            #expect(section[String(match.2)] != nil, "unresolved \(match.0)")
        }
        #expect(seen > 50)
        #expect(Self.document["openapi"] == .string("3.1.0"))
    }

    @Test func servedWithoutAToken() async throws {
        let app = Application(router: try await Self.router(), logger: ServerHarness.logger)
        try await app.test(.router) { client in
            let response = try await client.executeRequest(
                uri: "/openapi.json", method: .get, headers: [:], body: nil)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json")
            #expect(Array(buffer: response.body) == OpenAPIDocument.bytes)
        }
    }
}

/// Validates JSON values against the JSON Schema subset `OpenAPISchema` writes: `$ref`, `type`
/// (one or a list), `enum`, `minimum`, `properties`, `required`, `additionalProperties`, `items`,
/// `anyOf`, `oneOf`.
struct SchemaValidator {
    let schemas: [String: JSONValue]

    func errors(_ value: JSONValue, _ schema: JSONValue, at path: String = "$") -> [String] {
        guard case .object(let rule) = schema else { return ["\(path): schema is not an object"] }
        if case .string(let reference) = rule["$ref"] {
            let name = String(reference.split(separator: "/").last ?? "")
            guard let target = schemas[name] else { return ["\(path): unknown \(reference)"] }
            return errors(value, target, at: path)
        }
        if case .array(let branches) = rule["anyOf"] {
            return branches.contains { errors(value, $0, at: path).isEmpty } ? [] : ["\(path): no anyOf branch fits"]
        }
        if case .array(let branches) = rule["oneOf"] {
            let fitting = branches.filter { errors(value, $0, at: path).isEmpty }.count
            return fitting == 1 ? [] : ["\(path): \(fitting) oneOf branches fit"]
        }
        var found: [String] = []
        let types: [String] =
            switch rule["type"] {
            case .string(let type): [type]
            case .array(let list): list.compactMap { if case .string(let type) = $0 { type } else { nil } }
            default: []
            }
        if !types.isEmpty && !types.contains(where: { Self.has(value, type: $0) }) {
            return ["\(path): \(value) is not \(types.joined(separator: " or "))"]
        }
        if case .array(let allowed) = rule["enum"], !allowed.contains(value) {
            found.append("\(path): \(value) is not one of \(allowed)")
        }
        if case .int(let minimum) = rule["minimum"], case .int(let number) = value, number < minimum {
            found.append("\(path): \(number) < \(minimum)")
        }
        if case .array(let items) = value, let itemSchema = rule["items"] {
            for (index, item) in items.enumerated() { found += errors(item, itemSchema, at: "\(path)[\(index)]") }
        }
        if case .object(let fields) = value {
            let properties: [String: JSONValue]
            if case .object(let map) = rule["properties"] { properties = map } else { properties = [:] }
            if case .array(let required) = rule["required"] {
                for case .string(let key) in required where fields[key] == nil {
                    found.append("\(path): missing \(key)")
                }
            }
            for (key, field) in fields {
                if let property = properties[key] {
                    found += errors(field, property, at: "\(path).\(key)")
                } else if rule["additionalProperties"] == .bool(false) {
                    found.append("\(path): unexpected key \(key)")
                } else if let extra = rule["additionalProperties"], extra != .bool(true) {
                    found += errors(field, extra, at: "\(path).\(key)")
                }
            }
        }
        return found
    }

    static func has(_ value: JSONValue, type: String) -> Bool {
        switch (type, value) {
        case ("null", .null), ("boolean", .bool), ("integer", .int), ("number", .int), ("number", .double),
            ("string", .string), ("array", .array), ("object", .object):
            true
        default: false
        }
    }
}

/// Sample values of a schema: every property filled in, and only the required ones (nullable as null);
/// one of each for every branch of a top-level `oneOf`.
struct SchemaSamples {
    let schemas: [String: JSONValue]

    func samples(of schema: JSONValue) -> [JSONValue] {
        if case .object(let rule) = schema, case .array(let branches) = rule["oneOf"] {
            return branches.flatMap { samples(of: $0) }
        }
        return [sample(schema, minimal: false), sample(schema, minimal: true)]
    }

    func sample(_ schema: JSONValue, minimal: Bool) -> JSONValue {
        guard case .object(let rule) = schema else { return .null }
        if case .string(let reference) = rule["$ref"],
            let target = schemas[String(reference.split(separator: "/").last ?? "")]
        {
            return sample(target, minimal: minimal)
        }
        for key in ["anyOf", "oneOf"] {
            if case .array(let branches) = rule[key] {
                let null = JSONValue.object(["type": .string("null")])
                if minimal && branches.contains(null) { return .null }
                return sample(branches.first { $0 != null } ?? null, minimal: minimal)
            }
        }
        var types: [String] = []
        switch rule["type"] {
        case .string(let type): types = [type]
        case .array(let list): types = list.compactMap { if case .string(let type) = $0 { type } else { nil } }
        default: break
        }
        if minimal && types.contains("null") { return .null }
        if case .array(let allowed) = rule["enum"], let first = allowed.first(where: { $0 != .null }) { return first }
        switch types.first(where: { $0 != "null" }) {
        case "string": return .string(rule["format"] == .string("date-time") ? "2026-03-01T12:00:00.5+00:00" : "text")
        case "integer":
            if case .int(let minimum) = rule["minimum"] { return .int(minimum) }
            return .int(7)
        case "boolean": return .bool(true)
        case "array": return .array([sample(rule["items"] ?? .object([:]), minimal: minimal)])
        case "object":
            guard case .object(let properties) = rule["properties"] else { return .object(["key": .string("value")]) }
            var required: Set<String> = []
            if case .array(let list) = rule["required"] {
                for case .string(let key) in list { required.insert(key) }
            }
            var fields: [String: JSONValue] = [:]
            for (key, property) in properties where !minimal || required.contains(key) {
                fields[key] = sample(property, minimal: minimal)
            }
            return .object(fields)
        default: return .object(["key": .string("value")])
        }
    }
}
