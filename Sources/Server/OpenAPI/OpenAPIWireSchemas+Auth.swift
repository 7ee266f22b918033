import Foundation

/// The login and projects bodies (`Server/Wire/AuthWire.swift`, `ProjectAnswer.swift`).
extension OpenAPIWireSchema {
    private static func p(_ name: String, _ schema: OpenAPISchema) -> OpenAPISchema.Property {
        .init(name, schema, required: true, description: nil)
    }

    private static func answer<T: Codable>(_ type: T.Type) -> @Sendable (Data) throws -> Data? {
        { data in try WireJSON.encoder().encode(try WireJSON.decoder().decode(T.self, from: data)) }
    }

    static let auth: [OpenAPIWireSchema] = [
        .init(
            name: "Authorize", description: "Where the browser logs in (fastapi-users' `authorization_url`).",
            schema: .object([p("authorization_url", .string())]), roundTrip: answer(AuthorizeAnswer.self)),
        .init(
            name: "LoginUser", description: "ALBS's user with its bearer token (`jwt_token`, user scope, expiring).",
            schema: .object([
                p("id", .id), p("username", .string()), p("email", .string()), p("is_active", .boolean),
                p("is_superuser", .boolean), p("jwt_token", .string())
            ]),
            roundTrip: answer(LoginAnswer.self)),
        .init(
            name: "UserOpResult", description: "ALBS's `UserOpResult`.",
            schema: .object([p("success", .boolean), p("message", .string())]),
            roundTrip: answer(UserOpResultAnswer.self)),
        .init(
            name: "Project", description: "A forge repository (ALBS `Project`).",
            schema: .object([
                p("name", .string()), p("clone_url", .string()), p("tags", .array(.string())),
                p("branches", .array(.string()))
            ]),
            roundTrip: answer(ProjectAnswer.self))
    ]
}
