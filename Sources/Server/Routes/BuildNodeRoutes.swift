import Foundation
import Hummingbird
import Store

/// `/api/v1/build_node`: the ALBS build-node protocol (node token, flat JSON bodies).
/// - `POST ping` `{"active_tasks": [ids]}` refreshes the lease of tasks the node holds.
/// - `POST get_task` `{"supported_arches": [...], "excluded_packages": [...]}` claims the next
///   ready task (one `arch = $1` SKIP LOCKED statement per arch, in the node's order) or answers `null`.
/// - `POST build_done` records the result (and the node's `stats`) and answers at once (the artifact import runs after,
///   in `BuildImportWorker`); 409 `{"ok": false, "detail": ...}` when the node does not hold the
///   task or another node's result is recorded; a repeat by the same node answers 200.
func addBuildNodeRoutes(to node: RouterGroup<KilnRequestContext>, workflow: BuildWorkflow) {
    node.add(middleware: EventLoopAffinityMiddleware())
    node.post("ping") { request, context -> OKAnswer in
        let identity = try context.caller()
        let body = try await RequestBody.decode(PingRequest.self, from: request, context: context)
        try InputCheck.count(body.activeTasks.count, "active_tasks", limit: RequestLimits.maxArrayItems)
        for id in body.activeTasks { try InputCheck.id(id, "active_tasks") }
        try await workflow.claims.ping(taskIDs: body.activeTasks, node: identity.subject)
        return OKAnswer()
    }

    node.post("get_task") { request, context -> Response in
        let identity = try context.caller()
        let body = try await RequestBody.decode(GetTaskRequest.self, from: request, context: context)
        guard !body.supportedArches.isEmpty else {
            throw APIError(.unprocessableContent, "supported_arches must list at least one arch")
        }
        let limits = workflow.settings.limits
        try InputCheck.count(
            body.supportedArches.count, "supported_arches", limit: limits.maxNodeArches, setting: "KILN_MAX_NODE_ARCHES"
        )
        for arch in body.supportedArches {
            try InputCheck.text(arch, "supported_arches", maxLength: InputCheck.archLength, empty: false)
        }
        let excluded = body.excludedPackages ?? []
        try InputCheck.count(excluded.count, "excluded_packages", limit: RequestLimits.maxArrayItems)
        for name in excluded {
            try InputCheck.text(name, "excluded_packages", maxLength: InputCheck.urlLength)
        }
        var arches: [String] = []
        for arch in body.supportedArches where !arches.contains(arch) { arches.append(arch) }
        // The answer (`NodeTaskAnswer`) is rendered by the claim statement itself: the hot path.
        let answer = try await workflow.claims.claim(
            arches: arches, node: identity.subject, excludedPackages: excluded)
        return JSONResponse.raw(answer ?? "null")
    }

    node.post("build_done") { request, context -> OKAnswer in
        let identity = try context.caller()
        let body = try await RequestBody.decode(BuildDoneRequest.self, from: request, context: context)
        let artifacts = body.artifacts ?? []
        // The whole result is checked before the task row, the database or the artifact store is touched.
        try InputCheck.id(body.taskID, "task_id")
        try InputCheck.count(
            artifacts.count, "artifacts", limit: workflow.settings.limits.maxBuildArtifacts,
            setting: "KILN_MAX_BUILD_ARTIFACTS")
        try InputCheck.text(body.gitCommitHash, "git_commit_hash", maxLength: InputCheck.hashLength)
        try InputCheck.text(body.almaCommitCasHash, "alma_commit_cas_hash", maxLength: InputCheck.hashLength)
        try BuildArtifactImporter.validate(artifacts)
        try BuildArtifactImporter.checkResolvable(artifacts, in: workflow.artifactStore)
        let stats = try BuildDoneStats.json(body.stats)
        let finish = TaskFinish(
            taskID: body.taskID, node: identity.subject, outcome: body.status,
            gitCommitHash: body.gitCommitHash, almaCommitCasHash: body.almaCommitCasHash,
            isCasAuthenticated: body.isCasAuthenticated ?? false)
        // The result is recorded durably and answered; `BuildImportWorker` imports the artifacts
        // and finishes the task afterwards. A repeat from the same node is answered 200 again.
        let json = String(decoding: try JSONEncoder().encode(artifacts), as: UTF8.self)
        _ = try await workflow.imports.record(finish, artifactsJSON: json, statsJSON: stats)
        return OKAnswer()
    }
}
