import Foundation
import Spec
import Statuses

/// One schema of `components/schemas` and the wire type (`Server/Wire`) it describes.
package struct OpenAPIWireSchema: Sendable {
    package var name: String
    package var description: String
    package var schema: OpenAPISchema
    /// Decodes a JSON document as the wire type the server uses and, for types the server
    /// encodes, encodes it back as the server would (nil for decode-only types); nil itself
    /// for schemas that no single wire type carries (`Health`).
    package var roundTrip: (@Sendable (Data) throws -> Data?)?
}

/// The schemas of every request and answer body, keyed by the wire types' `CodingKeys`.
/// `OpenAPIDocumentTests` decodes a sample of each schema into its wire type and encodes it back,
/// so a renamed, added or dropped field fails there.
extension OpenAPIWireSchema {
    package static let all: [OpenAPIWireSchema] =
        errors + builds + buildNode + signing + testing + releases + desiredState + reconcile + access + misc
        + auth

    private static func p(
        _ name: String, _ schema: OpenAPISchema, required: Bool = true, _ description: String? = nil
    ) -> OpenAPISchema.Property {
        .init(name, schema, required: required, description: description)
    }

    /// An answer type: read with `WireJSON.decoder()`, written with `WireJSON.encoder()`.
    private static func answer<T: Codable>(_ type: T.Type) -> @Sendable (Data) throws -> Data? {
        { data in try WireJSON.encoder().encode(try WireJSON.decoder().decode(T.self, from: data)) }
    }

    /// A request type: read as `RequestBody.decode` reads it (re-encoded to compare field names).
    private static func request<T: Codable>(_ type: T.Type) -> @Sendable (Data) throws -> Data? {
        { data in try WireJSON.encoder().encode(try JSONDecoder().decode(T.self, from: data)) }
    }

    /// A request type the server only decodes.
    private static func decodeOnly<T: Decodable>(_ type: T.Type) -> @Sendable (Data) throws -> Data? {
        { data in
            _ = try JSONDecoder().decode(T.self, from: data)
            return nil
        }
    }

    private static let origin: OpenAPISchema = .string(allowed: Origin.allCases.map(\.rawValue))
    private static let commitSHA = p("commit_sha", .nullable(.string()), "The commit that last wrote the row.")
    private static let strings: OpenAPISchema = .array(.string())

    static let errors: [OpenAPIWireSchema] = [
        .init(
            name: "Error", description: "Every 4xx and 5xx answer (`ok: false` on build-node conflicts).",
            schema: .object([p("detail", .string()), p("ok", .boolean, required: false)]),
            roundTrip: answer(ErrorAnswer.self)),
        .init(
            name: "OK", description: "`{\"ok\": true}`.", schema: .object([p("ok", .boolean)]),
            roundTrip: answer(OKAnswer.self))
    ]

    static let builds: [OpenAPIWireSchema] = [
        .init(
            name: "BuildUser", description: "The user who created a build.",
            schema: .object([p("id", .id), p("username", .string()), p("email", .string())]),
            roundTrip: answer(BuildAnswer.User.self)),
        .init(
            name: "BuildPlatform", description: "The platform of a build task.",
            schema: .object([p("id", .id), p("type", .string()), p("name", .string()), p("arch_list", strings)]),
            roundTrip: answer(BuildAnswer.Platform.self)),
        .init(
            name: "BuildRef", description: "What a build task builds.",
            schema: .object([
                p("url", .string()), p("git_ref", .nullable(.string())),
                p(
                    "ref_type", .integer(allowed: RefType.allCases.map { Int($0.rawValue) }),
                    "1 branch, 2 tag, 3 src.rpm URL, 4 git ref"),
                p("git_commit_hash", .nullable(.string()))
            ]),
            roundTrip: answer(BuildAnswer.Ref.self)),
        .init(
            name: "BuildArtifact", description: "A package or log a build task produced.",
            schema: .object([
                p("id", .id), p("name", .string()), p("type", .string(allowed: ArtifactType.allCases.map(\.rawValue))),
                p("href", .string()), p("arch", .nullable(.string())), p("sha256", .nullable(.string()))
            ]),
            roundTrip: answer(BuildAnswer.Artifact.self)),
        .init(
            name: "BuildTask", description: "One platform × arch × ref task of a build.",
            schema: .object([
                p("id", .id), p("ts", .nullable(.timestamp)),
                p(
                    "status", .integer(allowed: BuildTaskStatus.allCases.map { Int($0.rawValue) }),
                    "0 idle, 1 started, 2 completed, 3 failed, 4 excluded, 5 cancelled"),
                p("index", .integer()), p("arch", .string()), p("attempts", .integer()),
                p("error", .nullable(.string())), p("node", .nullable(.string())),
                p("started_at", .nullable(.timestamp)), p("finished_at", .nullable(.timestamp)),
                p("platform", .ref("BuildPlatform")), p("ref", .ref("BuildRef")),
                p("artifacts", .array(.ref("BuildArtifact"))), p("is_secure_boot", .boolean),
                p("mock_options", .nullable(.map(values: nil)), "The ref's mock options."),
                p(
                    "performance_stats", .nullable(.array(.ref("PerformanceStats"))),
                    "The node's `stats` from build_done, once recorded."),
                p("is_cas_authenticated", .boolean), p("alma_commit_cas_hash", .nullable(.string())),
                p("test_tasks", .array(.ref("TestTask")), "The task's test tasks of every revision.")
            ]),
            roundTrip: answer(BuildAnswer.BuildTask.self)),
        .init(
            name: "PerformanceStats", description: "A task's statistics (ALBS `PerformanceStats`; `id` is the task's).",
            schema: .object([p("id", .id), p("build_task_id", .id), p("statistics", .map(values: nil))]),
            roundTrip: answer(BuildAnswer.PerformanceStats.self)),
        .init(
            name: "BuildFlavor", description: "A platform flavor a build names (ALBS `PlatformFlavour`).",
            schema: .object([p("id", .id), p("name", .string())]),
            roundTrip: answer(BuildAnswer.Flavor.self)),
        .init(
            name: "Build", description: "A build (ALBS `Build`).",
            schema: .object([
                p("id", .id), p("created_at", .timestamp), p("finished_at", .nullable(.timestamp)),
                p("released", .boolean), p("signed", .boolean),
                p("user", .nullable(.ref("BuildUser")), "The creator (Kiln's older name for `owner`)."),
                p("owner", .nullable(.ref("BuildUser")), "The creator."),
                p("linked_builds", .array(.id)), p("tasks", .array(.ref("BuildTask"))),
                p("mock_options", .map(values: nil), "The build's mock options."),
                p("platform_flavors", .array(.ref("BuildFlavor"))), p("product_id", .nullable(.id)),
                p("parallel_mode_enabled", .boolean),
                p("sign_tasks", .array(.ref("BuildSignTask")), "The build's sign tasks.")
            ]),
            roundTrip: answer(BuildAnswer.self)),
        .init(
            name: "BuildsPage", description: "One page of builds, newest first.",
            schema: .object([
                p("builds", .array(.ref("Build"))), p("total_builds", .integer()), p("current_page", .integer())
            ]),
            roundTrip: answer(BuildsPageAnswer.self)),
        .init(
            name: "CreateBuildPlatform", description: "A platform and the arches to build for.",
            schema: .object(
                [
                    p("name", .string()), p("arch_list", strings),
                    p("parallel_mode_enabled", .nullable(.boolean), required: false)
                ], open: true),
            roundTrip: request(CreateBuildRequest.Platform.self)),
        .init(
            name: "CreateBuildTaskRef", description: "A ref to build.",
            schema: .object(
                [
                    p("url", .string()), p("git_ref", .nullable(.string()), required: false),
                    p(
                        "ref_type", .nullable(.integer(allowed: RefType.allCases.map { Int($0.rawValue) })),
                        required: false, "default: 3 for a `.src.rpm` URL, else 1"),
                    p("git_commit_hash", .nullable(.string()), required: false),
                    p("mock_options", .nullable(.map(values: nil)), required: false, "merged over the build's"),
                    p("test_configuration", .nullable(.map(values: nil)), required: false),
                    p(
                        "is_module", .nullable(.boolean), required: false,
                        "true: 422, module builds are not supported yet")
                ], open: true),
            roundTrip: request(CreateBuildRequest.TaskRef.self)),
        .init(
            name: "CreateBuild",
            description:
                "`POST /api/v1/builds/`: platforms × (src + arch_list) × tasks, with mock options and flavors.",
            schema: .object(
                [
                    p("platforms", .array(.ref("CreateBuildPlatform"))), p("tasks", .array(.ref("CreateBuildTaskRef"))),
                    p("linked_builds", .nullable(.array(.id)), required: false),
                    p("is_secure_boot", .nullable(.boolean), required: false),
                    p("product_id", .nullable(.id), required: false),
                    p("mock_options", .nullable(.map(values: nil)), required: false),
                    p("platform_flavors", .nullable(.array(.id)), required: false, "platform flavor ids"),
                    p("parallel_mode_enabled", .nullable(.boolean), required: false)
                ], open: true),
            roundTrip: request(CreateBuildRequest.self))
    ]

    static let buildNode: [OpenAPIWireSchema] = [
        .init(
            name: "Ping", description: "`POST /api/v1/build_node/ping`: the tasks the node holds.",
            schema: .object([p("active_tasks", .array(.id))], open: true), roundTrip: request(PingRequest.self)),
        .init(
            name: "GetTask", description: "`POST /api/v1/build_node/get_task`: what the node can build.",
            schema: .object(
                [
                    p("supported_arches", strings),
                    p("excluded_packages", .nullable(strings), required: false)
                ], open: true),
            roundTrip: request(GetTaskRequest.self)),
        .init(
            name: "BuildDoneArtifact", description: "An artifact the node uploaded.",
            schema: .object(
                [
                    p("name", .string()), p("type", .string(allowed: ArtifactType.allCases.map(\.rawValue))),
                    p("href", .string()), p("sha256", .nullable(.string()), required: false),
                    p("path", .nullable(.string()), required: false),
                    p("cas_hash", .nullable(.string()), required: false)
                ], open: true),
            roundTrip: request(BuildDoneArtifact.self)),
        .init(
            name: "BuildDone",
            description:
                "`POST /api/v1/build_node/build_done` (`stats`: the node's stage timings, kept as"
                + " `performance_stats`; other keys are ignored).",
            schema: .object(
                [
                    p("task_id", .id),
                    p("status", .string(allowed: BuildTaskOutcome.allCases.map(\.rawValue))),
                    p("artifacts", .nullable(.array(.ref("BuildDoneArtifact"))), required: false),
                    p("is_cas_authenticated", .nullable(.boolean), required: false),
                    p("git_commit_hash", .nullable(.string()), required: false),
                    p("alma_commit_cas_hash", .nullable(.string()), required: false),
                    p("stats", .nullable(.map(values: nil)), required: false)
                ], open: true),
            roundTrip: request(BuildDoneRequest.self)),
        .init(
            name: "NodeTaskRef", description: "What the task builds.",
            schema: .object([
                p("url", .string()), p("git_ref", .nullable(.string())),
                p("ref_type", .integer(allowed: RefType.allCases.map { Int($0.rawValue) })),
                p("git_commit_hash", .nullable(.string()))
            ]),
            roundTrip: answer(NodeTaskAnswer.Ref.self)),
        .init(
            name: "NodeTaskPlatform", description: "The platform with its mock settings.",
            schema: .object([
                p("name", .string()), p("type", .string()), p("data", .map(values: nil)), p("arch_list", strings)
            ]),
            roundTrip: answer(NodeTaskAnswer.Platform.self)),
        .init(
            name: "NodeTaskCreatedBy", description: "Who created the build.",
            schema: .object([p("name", .string()), p("email", .string())]),
            roundTrip: answer(NodeTaskAnswer.CreatedBy.self)),
        .init(
            name: "NodeTaskRepository", description: "A repository mock installs from.",
            schema: .object([
                p("name", .string()), p("url", .string()), p("priority", .integer()), p("mock_enabled", .boolean)
            ]),
            roundTrip: answer(NodeTaskAnswer.Repository.self)),
        .init(
            name: "NodeTask", description: "The task a node claimed (albs-build-lib's model).",
            schema: .object([
                p("id", .id), p("build_id", .id), p("arch", .string()), p("ref", .ref("NodeTaskRef")),
                p("platform", .ref("NodeTaskPlatform")), p("created_by", .ref("NodeTaskCreatedBy")),
                p("repositories", .array(.ref("NodeTaskRepository"))), p("linked_builds", .array(.id)),
                p("is_secure_boot", .boolean), p("built_srpm_url", .nullable(.string())),
                p("srpm_hash", .nullable(.string())), p("alma_commit_cas_hash", .nullable(.string())),
                p("is_cas_authenticated", .boolean)
            ]),
            roundTrip: answer(NodeTaskAnswer.self))
    ]

    static let desiredState: [OpenAPIWireSchema] = [
        .init(
            name: "Repository",
            description: "A repository (ALBS fields plus `origin`, `commit_sha`, `sync`).",
            schema: .object([
                p("id", .id), p("name", .string()), p("arch", .string()), p("url", .string()), p("type", .string()),
                p("debug", .boolean), p("production", .boolean), p("pulp_href", .nullable(.string())),
                p("origin", origin), commitSHA,
                p(
                    "sync", .nullable(.ref("RepositorySync")),
                    "Kiln's sync from upstream; null for a repository without a remote.")
            ]),
            roundTrip: answer(RepositoryAnswer.self)),
        .init(
            name: "RepositorySync",
            description: "A repository's sync schedule (from git) and its last recorded sync.",
            schema: .object([
                p("interval", .string()), p("policy", .string(allowed: ["immediate", "on_demand", "streamed"])),
                p("last_sync", .nullable(.ref("RepositoryLastSync")), "Null until a sync ran; null inside platforms.")
            ]),
            roundTrip: answer(RepositorySyncAnswer.self)),
        .init(
            name: "RepositoryLastSync", description: "One sync from upstream, as the reconciler recorded it.",
            schema: .object([
                p("status", .string(allowed: ["running", "completed", "failed"])), p("reason", .string()),
                p("started_at", .timestamp), p("finished_at", .nullable(.timestamp)),
                p("duration_ms", .nullable(.integer(minimum: 0))), p("added", .integer(minimum: 0)),
                p("removed", .integer(minimum: 0)), p("present", .integer(minimum: 0)),
                p("error", .nullable(.string())), commitSHA
            ]),
            roundTrip: answer(RepositorySyncAnswer.LastSync.self)),
        .init(
            name: "Platform", description: "A platform with its repositories.",
            schema: .object([
                p("id", .id), p("name", .string()), p("type", .string()), p("distr_type", .string()),
                p("distr_version", .string()), p("test_dist_name", .string()), p("arch_list", strings),
                p("data", .map(values: nil)), p("repos", .array(.ref("Repository"))), p("origin", origin), commitSHA
            ]),
            roundTrip: answer(PlatformAnswer.self)),
        .init(
            name: "PlatformFlavor", description: "A platform flavor with its repositories (ALBS `FlavourResponse`).",
            schema: .object([
                p("id", .id), p("name", .string()), p("repos", .array(.ref("Repository"))),
                p("modularity", .nullable(.map(values: nil))), p("data", .nullable(.map(values: nil))),
                p("origin", origin), commitSHA
            ]),
            roundTrip: answer(FlavorAnswer.self)),
        .init(
            name: "RepositoryWrite", description: "A repository inside a platform write body.",
            schema: .object(
                [
                    p("name", .string()), p("arch", .string()), p("url", .string()), p("type", .string()),
                    p("debug", .nullable(.boolean), required: false),
                    p("production", .nullable(.boolean), required: false)
                ], open: true),
            roundTrip: request(RepositoryBody.self)),
        .init(
            name: "PlatformCreate", description: "`POST /api/v1/platforms/` (ALBS `PlatformCreate`).",
            schema: .object(platformWrite(required: true), open: true), roundTrip: request(PlatformCreateBody.self)),
        .init(
            name: "PlatformModify",
            description: "`PUT /api/v1/platforms/` (ALBS `PlatformModify`): only `name` is required.",
            schema: .object(platformWrite(required: false), open: true), roundTrip: request(PlatformModifyBody.self)),
        .init(
            name: "RepositoryIDs", description: "Repository ids to add to or remove from a platform.",
            schema: .array(.id), roundTrip: request([Int64].self)),
        .init(
            name: "DistributionPlatform", description: "A platform of a distribution.",
            schema: .object([p("id", .id), p("name", .string()), p("arch_list", strings)]),
            roundTrip: answer(DistributionAnswer.Platform.self)),
        .init(
            name: "Distribution", description: "A distribution with its platforms.",
            schema: .object([
                p("id", .id), p("name", .string()), p("platforms", .array(.ref("DistributionPlatform"))),
                p("origin", origin), commitSHA
            ]),
            roundTrip: answer(DistributionAnswer.self)),
        .init(
            name: "DistributionCreate",
            description: "`POST /api/v1/distributions/`: `{name, platforms}`, or the same wrapped in `distribution`.",
            schema: .oneOf([
                .object([p("name", .string()), p("platforms", strings)]),
                .object([p("distribution", .object([p("name", .string()), p("platforms", strings)]))])
            ]),
            roundTrip: decodeOnly(DistributionCreateBody.self)),
        .init(
            name: "SignKey", description: "A sign key.",
            schema: .object([
                p("id", .id), p("name", .string()), p("description", .string()), p("keyid", .string()),
                p("fingerprint", .string()), p("public_url", .string()), p("inserted", .timestamp),
                p("origin", origin), commitSHA,
                p("active", .boolean, "An inactive key gets no new sign tasks."),
                p("archived", .nullable(.timestamp), "When the key was made inactive in git; null while active."),
                p("platform_ids", .array(.id), "The platforms whose builds the key may sign (declared in git)."),
                p("platform_id", .nullable(.id), "ALBS's single platform: the first of platform_ids.")
            ]),
            roundTrip: answer(SignKeyAnswer.self)),
        .init(
            name: "SignKeyCreate", description: "`POST /api/v1/sign-keys/new/` (ALBS `SignKeyCreate`).",
            schema: .object(signKeyWrite(required: true), open: true), roundTrip: request(SignKeyCreateBody.self)),
        .init(
            name: "SignKeyUpdate", description: "`PUT /api/v1/sign-keys/{sign_key_id}/` (ALBS `SignKeyUpdate`).",
            schema: .object(signKeyWrite(required: false), open: true), roundTrip: request(SignKeyUpdateBody.self))
    ]

    private static func platformWrite(required: Bool) -> [OpenAPISchema.Property] {
        func field(_ name: String, _ schema: OpenAPISchema) -> OpenAPISchema.Property {
            p(name, required ? schema : .nullable(schema), required: required)
        }
        return [
            p("name", .string()), field("type", .string(allowed: ["rpm", "deb"])), field("distr_type", .string()),
            field("distr_version", .string()), field("test_dist_name", .string()), field("arch_list", strings),
            p("repos", .nullable(.array(.ref("RepositoryWrite"))), required: false),
            p("data", .nullable(.map(values: nil)), required: false)
        ]
    }

    private static func signKeyWrite(required: Bool) -> [OpenAPISchema.Property] {
        ["name", "description", "keyid", "fingerprint", "public_url"].map {
            p($0, required ? .string() : .nullable(.string()), required: required)
        }
    }

    static let reconcile: [OpenAPIWireSchema] = [
        .init(
            name: "ReconcileRunSummary", description: "A reconcile run in a listing (no plan).",
            schema: .object(runFields), roundTrip: answer(ReconcileRunSummaryAnswer.self)),
        .init(
            name: "ReconcileRun", description: "A reconcile run with its plan (null until planned).",
            schema: .object(runFields + [p("plan", .any)]), roundTrip: answer(ReconcileRunAnswer.self)),
        .init(
            name: "ReconcileRunsPage", description: "Reconcile runs, newest first.",
            schema: .object([
                p("runs", .array(.ref("ReconcileRunSummary"))), p("total_runs", .integer()),
                p("current_page", .integer()), p("page_size", .integer())
            ]),
            roundTrip: answer(ReconcileRunsPageAnswer.self)),
        .init(
            name: "ReconcileRunning", description: "The reconcile is still running after the quick wait.",
            schema: .object([
                p("status", .string(allowed: ["running"])), p("run_id", .nullable(.id)), p("detail", .string())
            ]),
            roundTrip: answer(ReconcileRunningAnswer.self))
    ]

    private static let runFields: [OpenAPISchema.Property] = [
        p("id", .id), p("started_at", .timestamp), p("finished_at", .nullable(.timestamp)),
        p("commit_sha", .nullable(.string())), p("trigger", .string()),
        p("result", .string(allowed: ReconcileRunResult.allCases.map(\.rawValue))), p("errors", strings),
        p("duration_ms", .nullable(.integer()))
    ]

    static let misc: [OpenAPIWireSchema] = [
        .init(
            name: "PushPayload", description: "The part of a GitHub or Gitea push payload Kiln reads.",
            schema: .object([p("ref", .string()), p("after", .nullable(.string()), required: false)], open: true),
            roundTrip: decodeOnly(PushPayload.self)),
        .init(
            name: "WebhookAnswer", description: "`pong` to a ping; `ignored` or `accepted` to a push.",
            schema: .object([
                p("ok", .boolean, required: false),
                p("status", .string(allowed: ["ignored", "accepted"]), required: false),
                p("detail", .string()), p("ref", .string(), required: false), p("after", .string(), required: false)
            ]),
            roundTrip: answer(WebhookAnswer.self)),
        .init(
            name: "Health", description: "`GET /health`: whether Kiln is up.",
            schema: .object([p("status", .string())], open: true), roundTrip: nil)
    ]
}
