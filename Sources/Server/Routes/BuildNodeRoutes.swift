import Hummingbird
import Store

/// `/api/v1/build_node`: the ALBS build-node protocol (node token, flat JSON bodies).
/// - `POST ping` `{"active_tasks": [ids]}` refreshes the lease of tasks the node holds.
/// - `POST get_task` `{"supported_arches": [...], "excluded_packages": [...]}` claims the next
///   ready task (one `arch = $1` SKIP LOCKED statement per arch, in the node's order) or answers `null`.
/// - `POST build_done` records the result; 409 `{"ok": false, "detail": ...}` when the node does
///   not hold the task or it is already finished.
func addBuildNodeRoutes(to node: RouterGroup<KilnRequestContext>, workflow: BuildWorkflow) {
    node.post("ping") { request, context -> OKAnswer in
        let identity = try context.requireScope(.node)
        let body = try await RequestBody.decode(PingRequest.self, from: request)
        try await workflow.claims.ping(taskIDs: body.activeTasks, node: identity.subject)
        return OKAnswer()
    }

    node.post("get_task") { request, context -> Response in
        let identity = try context.requireScope(.node)
        let body = try await RequestBody.decode(GetTaskRequest.self, from: request)
        guard !body.supportedArches.isEmpty else {
            throw APIError(.unprocessableContent, "supported_arches must list at least one arch")
        }
        if let bad = body.supportedArches.first(where: { $0.isEmpty || $0.count > 64 }) {
            throw APIError(.unprocessableContent, "supported_arches: invalid arch '\(bad)'")
        }
        var arches: [String] = []
        for arch in body.supportedArches where !arches.contains(arch) { arches.append(arch) }
        // The answer (`NodeTaskAnswer`) is rendered by the claim statement itself: the hot path.
        let answer = try await workflow.claims.claim(
            arches: arches, node: identity.subject, excludedPackages: body.excludedPackages ?? [])
        return JSONResponse.raw(answer ?? "null")
    }

    node.post("build_done") { request, context -> OKAnswer in
        let identity = try context.requireScope(.node)
        let body = try await RequestBody.decode(BuildDoneRequest.self, from: request)
        let artifacts = body.artifacts ?? []
        try BuildArtifactImporter.validate(artifacts)
        let finish = TaskFinish(
            taskID: body.taskID, node: identity.subject, outcome: body.status,
            gitCommitHash: body.gitCommitHash, almaCommitCasHash: body.almaCommitCasHash,
            isCasAuthenticated: body.isCasAuthenticated ?? false)
        let importer = workflow.importer
        try await workflow.builds.finish(finish) { held in
            try await importer.importArtifacts(artifacts, task: held)
        }
        return OKAnswer()
    }
}
