import Spec
import Statuses

/// The release routes (`ReleaseRoutes`) and the distribution add/remove routes: ALBS paths; the
/// writes answer 409 with the git change to make (`GitChange`).
extension OpenAPIOperation {
    private static func op(
        _ method: String, _ path: String, _ id: String, tag: String = "releases", _ summary: String,
        scopes: [AuthScope] = [], parameters: [Parameter] = [], body: OpenAPISchema? = nil,
        example: JSONValue? = nil, _ responses: [Answer]
    ) -> OpenAPIOperation {
        OpenAPIOperation(
            method: method, path: path, id: id, tag: tag, summary: summary, scopes: scopes,
            parameters: parameters, body: body, bodyExample: example, responses: responses)
    }

    private static func query(
        _ name: String, _ schema: OpenAPISchema, _ description: String, _ example: JSONValue
    ) -> Parameter {
        Parameter(
            name: name, location: .query, schema: schema, required: false, description: description, example: example)
    }

    private static let gitChange = Answer(
        409,
        "Releases live in git: `file` to add, edit or delete, `yaml` the whole file (also in `detail`); "
            + "nothing was changed.", .ref("GitChange"))

    private static let releaseID = Parameter.path("release_id", minimum: 1)

    static let releases: [OpenAPIOperation] = [
        op(
            "get", "/api/v1/releases/", "listReleases",
            "List releases, newest first (public). Without `pageNumber` at most `KILN_MAX_LIST_ITEMS` "
                + "(1,000 by default; 422 beyond: page through them).",
            parameters: [
                query(
                    "pageNumber", .integer(minimum: 1),
                    "A page of 10 releases (`ReleasesPage`); without it, every release as a list.", .int(1)),
                query("platform_id", .integer(format: "int64", minimum: 1), "Releases to this platform id.", .int(1)),
                query("platform", .string(), "Releases to the platform of this exact name.", .string("AlmaLinux-9")),
                query(
                    "status", .integer(allowed: ReleaseStatus.allCases.map { Int($0.rawValue) }),
                    "1 scheduled, 2 in progress, 3 completed, 4 failed, 5 reverted.", .int(1))
            ],
            [
                Answer(
                    200, "Every release, or one page of them with `pageNumber`.",
                    .oneOf([.array(.ref("Release")), .ref("ReleasesPage")])),
                .error(422, "A parameter is not of its type, or more releases than one list answers.")
            ]),
        op(
            "get", "/api/v1/releases/{release_id}/", "getRelease",
            "Read a release with its placement plan and refusals (public).", parameters: [releaseID],
            [Answer(200, "The release.", .ref("ReleaseDetail")), .error(404, "No such release.")]),
        op(
            "post", "/api/v1/releases/new/", "createRelease",
            "Refused: releases live in git. Answers the file to add (`state: planned`).", scopes: [.user],
            body: .ref("ReleaseCreate"), example: .object(["builds": .array([.int(1)]), "platform_id": .int(1)]),
            [.error(404, "No such platform, reference platform or build."), gitChange]),
        op(
            "put", "/api/v1/releases/{release_id}/", "updateRelease",
            "Refused: releases live in git. Answers the release's file with `builds` (and `plan.packages`) replaced.",
            scopes: [.user], parameters: [releaseID], body: .ref("ReleaseUpdate"),
            example: .object(["builds": .array([.int(1)])]), [.error(404, "No such release or build."), gitChange]),
        op(
            "post", "/api/v1/releases/{release_id}/commit/", "commitRelease",
            "Refused: releases live in git. Answers the release's file with `state: committed`.", scopes: [.user],
            parameters: [releaseID], [.error(404, "No such release."), gitChange]),
        op(
            "post", "/api/v1/releases/{release_id}/revert/", "revertRelease",
            "Refused: releases live in git. Answers the release's file with `state: reverted`.", scopes: [.user],
            parameters: [releaseID], [.error(404, "No such release."), gitChange]),
        op(
            "delete", "/api/v1/releases/{release_id}/delete", "deleteRelease",
            "Refused: releases live in git. Answers the file to delete, or for a committed release the file "
                + "with `state: reverted` (it cannot be deleted).", scopes: [.user], parameters: [releaseID],
            [.error(404, "No such release."), gitChange]),
        distributionBuild("add", "addDistributionBuild", "with the build added to `builds`"),
        distributionBuild("remove", "removeDistributionBuild", "with the build removed from `builds`")
    ]

    private static func distributionBuild(_ action: String, _ id: String, _ change: String) -> OpenAPIOperation {
        op(
            "post", "/api/v1/distributions/\(action)/{build_id}/{distribution}/", id, tag: "distributions",
            "Refused: distributions live in git. Answers the distribution's file \(change) (unchanged, and "
                + "`detail` says so, when it already is).", scopes: [.user],
            parameters: [
                .path("build_id", minimum: 1),
                Parameter(
                    name: "distribution", location: .path, schema: .string(), required: true,
                    description: "The distribution's name.", example: .string("almalinux"))
            ],
            [
                .error(404, "No such distribution or build."),
                Answer(
                    409, "Distributions live in git: `file` to edit, `yaml` the whole file; nothing was changed.",
                    .ref("GitChange"))
            ])
    }
}
