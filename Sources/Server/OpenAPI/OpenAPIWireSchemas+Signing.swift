import Foundation
import Statuses

/// The sign-task bodies (`Server/Wire/SignTaskWire.swift`).
extension OpenAPIWireSchema {
    private static func p(
        _ name: String, _ schema: OpenAPISchema, required: Bool = true, _ description: String? = nil
    ) -> OpenAPISchema.Property {
        .init(name, schema, required: required, description: description)
    }

    private static func answer<T: Codable>(_ type: T.Type) -> @Sendable (Data) throws -> Data? {
        { data in try WireJSON.encoder().encode(try WireJSON.decoder().decode(T.self, from: data)) }
    }

    private static func request<T: Codable>(_ type: T.Type) -> @Sendable (Data) throws -> Data? {
        { data in try WireJSON.encoder().encode(try JSONDecoder().decode(T.self, from: data)) }
    }

    private static let signStatus = p(
        "status", .integer(allowed: SignTaskStatus.allCases.map { Int($0.rawValue) }),
        "1 idle, 2 in progress, 3 completed, 4 failed")

    static let signing: [OpenAPIWireSchema] = [
        .init(
            name: "SignTaskCreate", description: "`POST /api/v1/sign-tasks/` (ALBS `SignTaskCreate`).",
            schema: .object([p("build_id", .id), p("sign_key_id", .id)]), roundTrip: request(SignTaskCreateRequest.self)
        ),
        .init(
            name: "GetSignTask", description: "`POST /api/v1/sign-tasks/get_sign_task/`: the key ids the node holds.",
            schema: .object([p("key_ids", .array(.string()))]), roundTrip: request(GetSignTaskRequest.self)),
        .init(
            name: "SignRpmInfo", description: "A package to sign (ALBS `SignRpmInfo`; `id` is the artifact's).",
            schema: .object([
                p("id", .id), p("name", .string()), p("arch", .string()), p("type", .string()),
                p("download_url", .string()), p("cas_hash", .nullable(.string()))
            ]),
            roundTrip: answer(SignRpmInfo.self)),
        .init(
            name: "AvailableSignTask", description: "A sign task handed to a sign node (ALBS `AvailableSignTask`).",
            schema: .object([
                p("id", .id), p("build_id", .id), p("keyid", .string()), p("sign_files", .boolean),
                p("packages", .array(.ref("SignRpmInfo")))
            ]),
            roundTrip: answer(AvailableSignTask.self)),
        .init(
            name: "Empty", description: "`{}`: nothing to do.", schema: .object([]), roundTrip: answer(EmptyAnswer.self)
        ),
        .init(
            name: "SignedRpmInfo", description: "A signed package a sign node reports (ALBS `SignedRpmInfo`).",
            schema: .object(
                [
                    p("id", .id), p("name", .string()), p("arch", .nullable(.string()), required: false),
                    p("type", .string()), p("href", .string()), p("fingerprint", .string()), p("sha256", .string()),
                    p("cas_hash", .nullable(.string()), required: false)
                ], open: true),
            roundTrip: request(SignedRpmInfo.self)),
        .init(
            name: "SignTaskComplete",
            description: "`POST /api/v1/sign-tasks/{id}/complete/` (ALBS `SignTaskComplete`).",
            schema: .object(
                [
                    p("build_id", .id), p("success", .boolean),
                    p("error_message", .nullable(.string()), required: false),
                    p("log_href", .nullable(.string()), required: false),
                    p("packages", .nullable(.array(.ref("SignedRpmInfo"))), required: false),
                    p("stats", .nullable(.map(values: nil)), required: false)
                ], open: true),
            roundTrip: request(SignTaskCompleteRequest.self)),
        .init(
            name: "SignTaskCompleteAnswer", description: "`{\"success\": true}`: the report is recorded.",
            schema: .object([p("success", .boolean)]), roundTrip: answer(SignTaskCompleteAnswer.self)),
        .init(
            name: "SignTaskKey", description: "A sign task's key (ALBS `SignKey`).",
            schema: .object([
                p("id", .id), p("name", .string()), p("description", .string()), p("keyid", .string()),
                p("fingerprint", .string()), p("public_url", .string()), p("inserted", .timestamp),
                p("active", .boolean), p("archived", .nullable(.timestamp)), p("platform_ids", .array(.id))
            ]),
            roundTrip: answer(SignTaskKeyAnswer.self)),
        .init(
            name: "SignFailure", description: "A package verification refused, and why.",
            schema: .object([p("id", .id), p("name", .string()), p("reason", .string())]),
            roundTrip: answer(SignFailureAnswer.self)),
        .init(
            name: "SignTask", description: "A sign task (ALBS `SignTask`, with Kiln's lease and verification fields).",
            schema: .object([
                p("id", .id), p("build_id", .id), p("sign_key", .ref("SignTaskKey")), signStatus,
                p("error_message", .nullable(.string())), p("log_href", .nullable(.string())),
                p("node", .nullable(.string()), "The sign node holding (or that last held) the task."),
                p("attempts", .integer()), p("created_at", .timestamp), p("started_at", .nullable(.timestamp)),
                p("finished_at", .nullable(.timestamp)), p("stats", .nullable(.map(values: nil))),
                p("failures", .array(.ref("SignFailure")), "Why verification refused packages."),
                p("packages_count", .integer()), p("verifying", .boolean, "A node's report waits for verification."),
                p("batch_task_ids", .array(.id), required: false, "Create only: every task the request made.")
            ]),
            roundTrip: answer(SignTaskAnswer.self)),
        .init(
            name: "BuildSignTask", description: "A sign task in the build JSON (ALBS `BuildSignTask`).",
            schema: .object([
                p("id", .id), p("started_at", .nullable(.timestamp)), p("finished_at", .nullable(.timestamp)),
                signStatus, p("stats", .nullable(.map(values: nil))), p("sign_key_id", .id),
                p("error_message", .nullable(.string()))
            ]),
            roundTrip: answer(BuildSignTaskAnswer.self))
    ]
}
