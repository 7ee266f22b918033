import Foundation
import Statuses
import Store

/// The release bodies (`Server/Wire/ReleaseWire.swift`) and `GitChange`, the 409 of writes that
/// belong in git.
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

    private static let releaseFields: [OpenAPISchema.Property] = [
        p("id", .id),
        p("name", .nullable(.string()), "The file's name; null for an unnamed release made through the API."),
        p(
            "status", .integer(allowed: ReleaseStatus.allCases.map { Int($0.rawValue) }),
            "1 scheduled, 2 in progress, 3 completed, 4 failed, 5 reverted"),
        p("build_ids", .array(.id)), p("plan", .map(values: nil), "`{builds, packages}` as declared in the file."),
        p("created_by", .nullable(.ref("BuildUser"))), p("platform", .ref("ReleasePlatform")),
        p("reference_platform", .nullable(.ref("ReleasePlatform"))),
        p("origin", .string(allowed: ["git", "api"])),
        p("commit_sha", .nullable(.string()), "The commit that last wrote the row."),
        p(
            "state", .string(allowed: ReleaseQueries.DesiredState.allCases.map(\.rawValue)),
            "The file's `state:` (the desired state)."),
        p(
            "operation", .nullable(.string(allowed: ReleaseQueries.Operation.allCases.map(\.rawValue))),
            "What a release in progress is doing."),
        p("committed", .nullable(.ref("ReleaseMark"))), p("reverted", .nullable(.ref("ReleaseMark"))),
        p("error", .nullable(.string())), p("created_at", .timestamp), p("updated_at", .timestamp)
    ]

    static let releases: [OpenAPIWireSchema] = [
        .init(
            name: "ReleasePlatform", description: "A platform a release targets or references.",
            schema: .object([p("id", .id), p("name", .string())]), roundTrip: answer(ReleaseAnswer.Platform.self)),
        .init(
            name: "ReleaseMark", description: "The commit, author and time of a release's commit or revert.",
            schema: .object([
                p("sha", .nullable(.string())), p("author", .nullable(.string())), p("at", .nullable(.timestamp))
            ]),
            roundTrip: answer(ReleaseAnswer.Mark.self)),
        .init(
            name: "Release", description: "A release (ALBS fields plus platforms, origin and the state of its file).",
            schema: .object(releaseFields), roundTrip: answer(ReleaseAnswer.self)),
        .init(
            name: "ReleaseDetail", description: "A release with the reconciler's placement plan.",
            schema: .object(
                releaseFields + [
                    p(
                        "placement", .nullable(.map(values: nil)),
                        "`{operation, state, repositories, refusals, skipped}`; null until computed."),
                    p("refusals", .array(.map(values: nil)), "`placement.refusals`, or [].")
                ]),
            roundTrip: answer(ReleaseDetailAnswer.self)),
        .init(
            name: "ReleasesPage", description: "Releases, newest first, 10 per page.",
            schema: .object([
                p("releases", .array(.ref("Release"))), p("total_releases", .integer()), p("current_page", .integer())
            ]),
            roundTrip: answer(ReleasesPageAnswer.self)),
        .init(
            name: "ReleaseCreate", description: "`POST /api/v1/releases/new/` (ALBS `ReleaseCreate`).",
            schema: .object(
                [
                    p("builds", .array(.id)), p("platform_id", .id),
                    p("reference_platform_id", .nullable(.id), required: false)
                ], open: true),
            roundTrip: request(ReleaseCreateBody.self)),
        .init(
            name: "ReleaseFilePackage",
            description: "A `packages:` entry of a release file: `repositories`, or `skip: true`.",
            schema: .object(
                [
                    p("name", .string()), p("arch", .string()),
                    p("repositories", .nullable(.array(.string())), required: false),
                    p("skip", .nullable(.boolean), required: false)
                ], open: true),
            roundTrip: request(ReleaseFile.Package.self)),
        .init(
            name: "ReleaseUpdate",
            description: "`PUT /api/v1/releases/{id}/` (ALBS `ReleaseUpdate`); other keys of `plan` are ignored.",
            schema: .object(
                [
                    p("builds", .nullable(.array(.id)), required: false),
                    p(
                        "plan",
                        .nullable(
                            .object(
                                [p("packages", .nullable(.array(.ref("ReleaseFilePackage"))), required: false)],
                                open: true)),
                        required: false)
                ], open: true),
            roundTrip: request(ReleaseUpdateBody.self)),
        .init(
            name: "GitChange",
            description: "409 of a write that belongs in git: the file (inside the desired-state repository) to "
                + "add, edit or delete, and its whole YAML (null to delete); `detail` says it in words with the YAML.",
            schema: .object([
                p("detail", .string()), p("file", .string()),
                p("action", .string(allowed: GitChangeAnswer.Action.allCases.map(\.rawValue))),
                p("yaml", .nullable(.string()))
            ]),
            roundTrip: answer(GitChangeAnswer.self))
    ]
}
