import Spec
import Store

/// Every route `KilnServer.makeRouter` registers (`OpenAPIDocumentTests` compares the two lists).
extension OpenAPIOperation {
    package static let all: [OpenAPIOperation] =
        service + builds + buildNode + signTasks + testTasks + releases + desiredState + reconcile + webhooks
        + auth + access

    private static func op(
        _ method: String, _ path: String, _ id: String, tag: String, _ summary: String, scopes: [AuthScope] = [],
        parameters: [Parameter] = [], body: OpenAPISchema? = nil, example: JSONValue? = nil, _ responses: [Answer]
    ) -> OpenAPIOperation {
        OpenAPIOperation(
            method: method, path: path, id: id, tag: tag, summary: summary, scopes: scopes, parameters: parameters,
            body: body, bodyExample: example, responses: responses)
    }

    private static func json(_ fields: [String: JSONValue]) -> JSONValue { .object(fields) }
    private static func strings(_ values: String...) -> JSONValue { .array(values.map(JSONValue.string)) }

    private static let gitManaged = Answer.error(
        409, "Desired state is managed in git: `detail` names the file to edit; nothing was changed.")

    static let service: [OpenAPIOperation] = {
        var document = op(
            "get", "/openapi.json", "openapi", tag: "service", "This document (OpenAPI 3.1).",
            [Answer(200, "The document.", .map(values: nil))])
        document.canFail = false
        return [
            op(
                "get", "/health", "health", tag: "service", "Whether Kiln is up.",
                [
                    Answer(200, "Up.", .ref("Health")),
                    Answer(503, "Kiln or a store it needs is down.", .ref("Health"))
                ]),
            document
        ]
    }()

    static let builds: [OpenAPIOperation] = [
        op(
            "post", "/api/v1/builds/", "createBuild", tag: "builds", "Create a build.", scopes: [.user],
            body: .ref("CreateBuild"),
            example: json([
                "platforms": .array([json(["name": .string("AlmaLinux-9"), "arch_list": strings("x86_64")])]),
                "tasks": .array([
                    json([
                        "url": .string("https://git.almalinux.org/rpms/bash.git"), "git_ref": .string("c9"),
                        "ref_type": .int(1)
                    ])
                ])
            ]),
            [
                Answer(200, "The new build.", .ref("Build")),
                .error(401, "No token, an invalid token, or the token's user does not exist."),
                .error(422, "A wrong body, an unknown platform, arch or linked build.")
            ]),
        op(
            "get", "/api/v1/builds/", "listBuilds", tag: "builds",
            "List builds, newest first (public), filtered as ALBS: filters combine with AND; task, ref and "
                + "RPM filters must hold for one and the same task.",
            parameters: [
                Parameter(
                    name: "pageNumber", location: .query, schema: .integer(minimum: 1), required: false,
                    description: "A page of builds (`BuildsPage`); without it, every build as a list.",
                    example: .int(1))
            ] + buildFilters,
            [
                Answer(
                    200, "Every build, or one page of them with `pageNumber`.",
                    .oneOf([.array(.ref("Build")), .ref("BuildsPage")])),
                .error(422, "A parameter is not of its type (a positive integer, a boolean) or too long.")
            ]),
        op(
            "get", "/api/v1/builds/{build_id}/", "getBuild", tag: "builds", "Read a build (public).",
            parameters: [.path("build_id", minimum: 1)],
            [Answer(200, "The build.", .ref("Build")), .error(404, "No such build.")]),
        op(
            "patch", "/api/v1/builds/{build_id}/restart-failed", "restartFailedBuildTasks", tag: "builds",
            "Requeue the failed tasks of a build, in order: a restarted task waits for the restarted tasks of "
                + "earlier ref indexes.", scopes: [.user], parameters: [.path("build_id", minimum: 1)],
            [Answer(200, "The build.", .ref("Build")), .error(404, "No such build.")]),
        op(
            "patch", "/api/v1/builds/{build_id}/parallel-restart-failed", "parallelRestartFailedBuildTasks",
            tag: "builds",
            "Requeue the failed tasks of a build to run at once: their dependencies on other ref indexes of the "
                + "build are dropped (those within an index and on linked builds stay).",
            scopes: [.user], parameters: [.path("build_id", minimum: 1)],
            [Answer(200, "The build.", .ref("Build")), .error(404, "No such build.")]),
        op(
            "patch", "/api/v1/builds/{build_id}/cancel", "cancelBuild", tag: "builds",
            "Cancel a build (its creator or an admin): idle and started tasks become cancelled (5); a node "
                + "building one finishes and its `build_done` is answered 200 and ignored; the build is finished.",
            scopes: [.user], parameters: [.path("build_id", minimum: 1)],
            [
                Answer(200, "The build.", .ref("Build")),
                .error(403, "Not the build's creator nor an admin, or a token of another scope."),
                .error(404, "No such build.")
            ]),
        op(
            "delete", "/api/v1/builds/{build_id}/remove", "deleteBuild", tag: "builds",
            "Delete a build (its creator or an admin).", scopes: [.user],
            parameters: [.path("build_id", minimum: 1, example: 2)],
            [
                Answer(204, "Deleted."),
                .error(403, "Not the build's creator nor an admin, or a token of another scope."),
                .error(404, "No such build."),
                .error(409, "Something of the build is released or signed.")
            ])
    ]

    /// The filters of `GET /api/v1/builds/` (ALBS `get_builds`).
    private static let buildFilters: [Parameter] = {
        func query(_ name: String, _ schema: OpenAPISchema, _ description: String, _ example: JSONValue) -> Parameter {
            Parameter(
                name: name, location: .query, schema: schema, required: false, description: description,
                example: example)
        }
        return [
            query("created_by", .integer(format: "int64", minimum: 1), "Builds of this user id.", .int(1)),
            query("project", .string(), "A ref URL contains `/` followed by this (case-sensitive).", .string("bash")),
            query("ref", .string(), "A ref URL or git ref contains this (case-sensitive).", .string("c9")),
            query("rpm_name", .string(), "A task built an RPM of this exact name.", .string("bash")),
            query("rpm_epoch", .string(), "… of this exact epoch.", .string("0")),
            query("rpm_version", .string(), "… of this exact version.", .string("5.1.8")),
            query("rpm_release", .string(), "… of this exact release.", .string("6.el9")),
            query("rpm_arch", .string(), "… of this exact arch.", .string("x86_64")),
            query("platform_id", .integer(format: "int64", minimum: 1), "A task is for this platform.", .int(1)),
            query("build_task_arch", .string(), "A task is for this arch.", .string("x86_64")),
            query("released", .boolean, "The build is (not) released.", .bool(false)),
            query("signed", .boolean, "The build is (not) signed.", .bool(false)),
            query("is_running", .boolean, "The build is (not) finished.", .bool(true)),
            query(
                "tests", .string(allowed: TestOutcome.allCases.map(\.rawValue)),
                "The outcome of the build's tests (each task's latest revision).", .string("passed"))
        ]
    }()

    static let buildNode: [OpenAPIOperation] = [
        op(
            "post", "/api/v1/build_node/ping", "ping", tag: "build_node", "Refresh the leases of the node's tasks.",
            scopes: [.node], body: .ref("Ping"), example: json(["active_tasks": .array([.int(1)])]),
            [Answer(200, "Refreshed.", .ref("OK"))]),
        op(
            "post", "/api/v1/build_node/get_task", "getTask", tag: "build_node", "Claim the next ready task.",
            scopes: [.node], body: .ref("GetTask"), example: json(["supported_arches": strings("x86_64")]),
            [Answer(200, "The claimed task, or `null` when none is ready.", .nullable(.ref("NodeTask")))]),
        op(
            "post", "/api/v1/build_node/build_done", "buildDone", tag: "build_node", "Record a task's result.",
            scopes: [.node], body: .ref("BuildDone"),
            example: json(["task_id": .int(1), "status": .string("failed")]),
            [
                Answer(200, "Recorded.", .ref("OK")),
                .error(404, "No such task."),
                .error(409, "The node does not hold the task, or it is finished (`ok: false`)."),
                .error(
                    422,
                    "A wrong body, or artifact hrefs Kiln's artifact store cannot resolve (`detail` says which store and what the node must upload to)."
                ),
                .error(502, "The artifact store failed.")
            ])
    ]

    static let desiredState: [OpenAPIOperation] = [
        op(
            "get", "/api/v1/platforms/", "listPlatforms", tag: "platforms", "List platforms (public).",
            [Answer(200, "Every platform.", .array(.ref("Platform")))]),
        op(
            "get", "/api/v1/platform_flavors/", "listPlatformFlavors", tag: "platform_flavors",
            "List platform flavors (public; written through git, `flavors/*.yml`).",
            [Answer(200, "Every platform flavor.", .array(.ref("PlatformFlavor")))]),
        op(
            "post", "/api/v1/platforms/", "createPlatform", tag: "platforms", "Refused: platforms live in git.",
            scopes: [.user], body: .ref("PlatformCreate"), [gitManaged]),
        op(
            "put", "/api/v1/platforms/", "modifyPlatform", tag: "platforms", "Refused: platforms live in git.",
            scopes: [.user], body: .ref("PlatformModify"), [gitManaged]),
        op(
            "patch", "/api/v1/platforms/{platform_id}/add-repositories", "addPlatformRepositories", tag: "platforms",
            "Refused: platforms live in git.", scopes: [.user], parameters: [.path("platform_id")],
            body: .ref("RepositoryIDs"), [.error(404, "No such platform."), gitManaged]),
        op(
            "patch", "/api/v1/platforms/{platform_id}/remove-repositories", "removePlatformRepositories",
            tag: "platforms", "Refused: platforms live in git.", scopes: [.user], parameters: [.path("platform_id")],
            body: .ref("RepositoryIDs"), [.error(404, "No such platform."), gitManaged]),
        op(
            "get", "/api/v1/distributions/", "listDistributions", tag: "distributions", "List distributions (public).",
            [Answer(200, "Every distribution.", .array(.ref("Distribution")))]),
        op(
            "post", "/api/v1/distributions/", "createDistribution", tag: "distributions",
            "Refused: distributions live in git.", scopes: [.user], body: .ref("DistributionCreate"), [gitManaged]),
        op(
            "get", "/api/v1/repositories/", "listRepositories", tag: "repositories", "List repositories.",
            scopes: [.user], [Answer(200, "Every repository.", .array(.ref("Repository")))]),
        op(
            "get", "/api/v1/repositories/{repository_id}/", "getRepository", tag: "repositories", "Read a repository.",
            scopes: [.user], parameters: [.path("repository_id")],
            [Answer(200, "The repository.", .ref("Repository")), .error(404, "No such repository.")]),
        op(
            "get", "/api/v1/sign-keys/", "listSignKeys", tag: "sign-keys", "List sign keys.", scopes: [.user],
            [Answer(200, "Every sign key.", .array(.ref("SignKey")))]),
        op(
            "post", "/api/v1/sign-keys/new/", "createSignKey", tag: "sign-keys", "Refused: sign keys live in git.",
            scopes: [.user], body: .ref("SignKeyCreate"), [gitManaged]),
        op(
            "put", "/api/v1/sign-keys/{sign_key_id}/", "updateSignKey", tag: "sign-keys",
            "Refused: sign keys live in git.", scopes: [.user], parameters: [.path("sign_key_id")],
            body: .ref("SignKeyUpdate"), [.error(404, "No such sign key."), gitManaged])
    ]

    static let reconcile: [OpenAPIOperation] = [
        op(
            "post", "/api/v1/reconcile/", "reconcile", tag: "reconcile", "Reconcile now.", scopes: [.admin],
            [
                Answer(
                    200, "The finished run (`result` is `skipped` when another process holds the lock).",
                    .ref("ReconcileRun")),
                Answer(202, "Still running after 2 s.", .ref("ReconcileRunning")),
                .error(404, "The run vanished."),
                .error(422, "The desired state could not be read."),
                .error(503, "No desired-state repository (`kiln serve` without `--repo`), or an outage.")
            ]),
        op(
            "get", "/api/v1/reconcile/runs", "listReconcileRuns", tag: "reconcile",
            "List reconcile runs, newest first.",
            scopes: [.user],
            parameters: [
                Parameter(
                    name: "page", location: .query, schema: .integer(minimum: 1), required: false,
                    description: "The page (default 1).", example: .int(1))
            ],
            [Answer(200, "One page of runs.", .ref("ReconcileRunsPage"))]),
        op(
            "get", "/api/v1/reconcile/runs/{run_id}", "getReconcileRun", tag: "reconcile", "Read a run with its plan.",
            scopes: [.user], parameters: [.path("run_id")],
            [Answer(200, "The run.", .ref("ReconcileRun")), .error(404, "No such run.")])
    ]

    static let webhooks: [OpenAPIOperation] = [
        webhook(
            "github", signature: "X-Hub-Signature-256", format: "sha256=<hex HMAC-SHA256 of the body>",
            events: ["X-GitHub-Event"]),
        webhook(
            "gitea", signature: "X-Gitea-Signature", format: "<hex HMAC-SHA256 of the body>",
            events: ["X-Gitea-Event", "X-Gogs-Event", "X-GitHub-Event"])
    ]

    private static func webhook(
        _ forge: String, signature: String, format: String, events: [String]
    )
        -> OpenAPIOperation
    {
        let headers =
            [
                Parameter(
                    name: signature, location: .header, schema: .string(), required: true,
                    description: "\(format), keyed with KILN_WEBHOOK_SECRET.")
            ]
            + events.map {
                Parameter(
                    name: $0, location: .header, schema: .string(), required: false,
                    description: "The event (`push`, `ping`, ...); the first present counts.")
            }
        var operation = op(
            "post", "/api/v1/webhooks/\(forge)", "\(forge)Webhook", tag: "webhooks",
            "A signed push webhook (no bearer token).", parameters: headers, body: .ref("PushPayload"),
            [
                Answer(200, "`pong` to a ping.", .ref("WebhookAnswer")),
                Answer(
                    202, "A push: reconcile triggered, or ignored (another branch or event).", .ref("WebhookAnswer")),
                .error(401, "A missing or bad signature."),
                .error(
                    503, "Webhooks are disabled (no KILN_WEBHOOK_SECRET), no desired-state repository, or an outage.")
            ])
        operation.decodesJSON = false
        return operation
    }
}
