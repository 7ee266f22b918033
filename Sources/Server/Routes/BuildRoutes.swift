import Artifacts
import Hummingbird
import Logging
import Store

/// `/api/v1/builds`: `GET /` lists builds (public; paginated with `pageNumber`, filtered as ALBS:
/// `BuildListQuery`), `GET /{build_id}/` reads one (public). `POST /` creates a build,
/// `PATCH /{build_id}/restart-failed` requeues failed tasks in order,
/// `PATCH /{build_id}/parallel-restart-failed` requeues them to run at once,
/// `PATCH /{build_id}/cancel` cancels the build and `DELETE /{build_id}/remove` deletes it (delete
/// answers 409 once released or signed). Who may: `RoutePermissions` (a manager of the owning
/// team, else the creator, checked by the store under the row lock).
func addBuildRoutes(to builds: RouterGroup<KilnRequestContext>, workflow: BuildWorkflow) {
    builds.post("/") { request, context -> BuildAnswer in
        let identity = try context.caller()
        // The whole body is checked (shape, text, limits) before any query runs.
        let body = try await RequestBody.decode(CreateBuildRequest.self, from: request, context: context)
        let checked = try body.buildRequest(createdBy: identity.userID ?? 0, limits: workflow.settings.limits)
        guard let userID = identity.userID, try await workflow.users.user(id: userID) != nil else {
            throw APIError(.unauthorized, "The token's user does not exist")
        }
        let id = try await workflow.builds.create(checked)
        await workflow.audit.record("build", id, "create", by: context)
        return try await build(id, workflow)
    }

    // Reads are public, as in ALBS.
    builds.get("/") { request, context -> Response in
        let query = try BuildListQuery(request.uri.queryParameters)
        if let page = query.page {
            let (total, rows) = try await workflow.builds.buildsPage(
                page: page, pageSize: workflow.settings.buildsPageSize, filter: query.filter)
            return try BuildsPageAnswer(builds: rows.map(BuildAnswer.init), totalBuilds: total, currentPage: page)
                .response(from: request, context: context)
        }
        // Unpaginated: at most `maxListItems` builds (one more is read to tell).
        let limit = workflow.settings.limits.maxListItems
        let (_, rows) = try await workflow.builds.buildsPage(page: 1, pageSize: limit + 1, filter: query.filter)
        guard rows.count <= limit else {
            throw APIError(
                .unprocessableContent,
                "There are more than \(limit) builds, the most one list answers (KILN_MAX_LIST_ITEMS): "
                    + "page through them with ?pageNumber=1, 2, ...")
        }
        return try rows.map(BuildAnswer.init).response(from: request, context: context)
    }

    builds.get(":build_id") { _, context -> BuildAnswer in
        try await build(try buildID(context), workflow)
    }

    builds.patch(":build_id/restart-failed") { _, context -> BuildAnswer in
        let id = try buildID(context)
        // Only a change is recorded: a restart with nothing failed changes nothing.
        if try await !workflow.builds.restartFailed(buildID: id).isEmpty {
            await workflow.audit.record("build", id, "restart_failed", by: context)
        }
        return try await build(id, workflow)
    }

    builds.patch(":build_id/parallel-restart-failed") { _, context -> BuildAnswer in
        let id = try buildID(context)
        if try await !workflow.builds.restartFailed(buildID: id, parallel: true).isEmpty {
            await workflow.audit.record("build", id, "parallel_restart_failed", by: context)
        }
        return try await build(id, workflow)
    }

    builds.patch(":build_id/cancel") { _, context -> BuildAnswer in
        let id = try buildID(context)
        if try await !workflow.builds.cancel(buildID: id, requestedBy: context.requestedBy).isEmpty {
            await workflow.audit.record("build", id, "cancel", by: context)
        }
        return try await build(id, workflow)
    }

    builds.delete(":build_id/remove") { _, context -> Response in
        let id = try buildID(context)
        let repositories = try await workflow.builds.delete(buildID: id, requestedBy: context.requestedBy)
        await workflow.audit.record("build", id, "delete", by: context)
        await workflow.locks.forget(repositories)
        do {
            try await workflow.artifactStore.deleteRepositories(named: repositories)
        } catch {
            context.logger.warning(
                "build \(id) deleted; its artifact-store repositories were not all removed: \(error)")
        }
        return Response(status: .noContent)
    }
}

/// The build as its answer, 404 when absent.
private func build(_ id: Int64, _ workflow: BuildWorkflow) async throws -> BuildAnswer {
    guard let row = try await workflow.builds.build(id: id) else {
        throw APIError(.notFound, "Build \(id) not found")
    }
    return BuildAnswer(row)
}

/// The `build_id` path parameter as an integer (422 otherwise).
private func buildID(_ context: KilnRequestContext) throws -> Int64 {
    guard let raw = context.parameters.get("build_id"), let id = Int64(raw), id > 0 else {
        throw APIError(.unprocessableContent, "build_id must be a positive integer")
    }
    return id
}
