import Foundation
import Hummingbird
import Logging
import Store

/// `/api/v1/sign-tasks`: ALBS's sign-task API.
/// - `GET /?build_id=` lists sign tasks (public, as in ALBS).
/// - `POST /` `{build_id, sign_key_id}` (user token: the build's creator or an admin) creates the
///   build's sign tasks, at most `KILN_SIGN_BATCH` packages each; answers the first (ALBS
///   `SignTask`) with `batch_task_ids`.
/// - `POST get_sign_task/` `{key_ids}` (sign-node token) hands out the next task for one of the
///   keys (`AvailableSignTask`), `{}` when there is none.
/// - `POST {id}/complete/` (sign-node token, the node holding the task) records the node's report
///   and answers `{"success": true}`; `SignVerificationWorker` verifies it afterwards.
/// - `PUT {id}/restart` (user token: creator or admin) puts a failed task back to idle.
/// - `POST community/get_gen_sign_key_task/` answers `{}` (no product keys: keys live in git),
///   `POST community/{id}/complete/` 404.
func addSignTaskRoutes(to signTasks: RouterGroup<KilnRequestContext>, workflow: SignWorkflow) {
    signTasks.get("/") { request, context -> Response in
        var buildID: Int64?
        if let raw = request.uri.queryParameters.get("build_id") {
            guard let id = Int64(raw), id > 0 else {
                throw APIError(.unprocessableContent, "build_id must be a positive integer")
            }
            buildID = id
        }
        let rows = try await workflow.tasks.tasks(buildID: buildID)
        return try rows.map { SignTaskAnswer($0) }.response(from: request, context: context)
    }

    signTasks.post("/") { request, context -> SignTaskAnswer in
        let identity = try context.caller()
        let body = try await RequestBody.decode(SignTaskCreateRequest.self, from: request, context: context)
        try InputCheck.id(body.buildID, "build_id")
        try InputCheck.id(body.signKeyID, "sign_key_id")
        guard let userID = identity.userID, try await workflow.users.user(id: userID) != nil else {
            throw APIError(.unauthorized, "The token's user does not exist")
        }
        let ids = try await workflow.tasks.create(
            buildID: body.buildID, signKeyID: body.signKeyID,
            requestedBy: context.requestedBy, createdBy: userID,
            batchSize: workflow.settings.signing.batchSize)
        for id in ids { await workflow.audit.record("sign_task", id, "create", by: context) }
        guard let first = ids.first, let row = try await workflow.tasks.task(id: first) else {
            throw APIError(.internalServerError, "The sign tasks of build \(body.buildID) vanished")
        }
        return SignTaskAnswer(row, batchTaskIDs: ids)
    }

    signTasks.post("get_sign_task") { request, context -> Response in
        let identity = try context.caller()
        let body = try await RequestBody.decode(GetSignTaskRequest.self, from: request, context: context)
        try InputCheck.count(body.keyIDs.count, "key_ids", limit: RequestLimits.maxArrayItems)
        for key in body.keyIDs {
            try InputCheck.text(key, "key_ids", maxLength: InputCheck.archLength, empty: false)
        }
        guard
            let task = try await workflow.tasks.claim(
                keyIDs: body.keyIDs, node: identity.subject, timeout: workflow.settings.signing.timeout.seconds)
        else {
            return try EmptyAnswer().response(from: request, context: context)
        }
        context.logger.info("sign task \(task.id) of build \(task.buildID) handed to \(identity.subject)")
        let packages = task.packages.map { package in
            SignRpmInfo(
                id: package.id, name: package.name, arch: package.arch, type: "rpm",
                downloadURL: workflow.downloadURL(package), casHash: package.casHash)
        }
        return try AvailableSignTask(
            id: task.id, buildID: task.buildID, keyid: task.keyid, signFiles: task.signFiles, packages: packages
        ).response(from: request, context: context)
    }

    signTasks.post(":sign_task_id/complete") { request, context -> SignTaskCompleteAnswer in
        let identity = try context.caller()
        let id = try signTaskID(context)
        let body = try await RequestBody.decode(SignTaskCompleteRequest.self, from: request, context: context)
        // The whole report is checked before the task row is touched.
        let packages = try SignReportCheck.packages(
            body, limits: workflow.settings.limits, store: workflow.artifactStore)
        try InputCheck.id(body.buildID, "build_id")
        try InputCheck.text(body.errorMessage, "error_message", maxLength: SignReportCheck.messageLength)
        try InputCheck.text(body.logHref, "log_href", maxLength: InputCheck.urlLength)
        let stats = try BuildDoneStats.json(body.stats)
        let json = String(decoding: try JSONEncoder().encode(packages), as: UTF8.self)
        let outcome = try await workflow.results.record(
            taskID: id, buildID: body.buildID, node: identity.subject, success: body.success,
            errorMessage: body.errorMessage, packagesJSON: json, statsJSON: stats)
        context.logger.info("sign task \(id): \(identity.subject) reported success=\(body.success) (\(outcome))")
        return SignTaskCompleteAnswer(success: true)
    }

    signTasks.put(":sign_task_id/restart") { _, context -> SignTaskAnswer in
        let id = try signTaskID(context)
        try await workflow.tasks.restart(taskID: id, requestedBy: context.requestedBy)
        await workflow.audit.record("sign_task", id, "restart", by: context)
        guard let row = try await workflow.tasks.task(id: id) else {
            throw APIError(.notFound, "Sign task \(id) not found")
        }
        return SignTaskAnswer(row)
    }

    signTasks.post("community/get_gen_sign_key_task") { request, context -> Response in
        return try EmptyAnswer().response(from: request, context: context)
    }

    signTasks.post("community/:gen_key_task_id/complete") { _, context -> Response in
        let raw = context.parameters.get("gen_key_task_id") ?? ""
        throw APIError(
            .notFound,
            "Key generation task \(raw) not found: Kiln hands out no key generation tasks (sign keys are declared in git)"
        )
    }
}

/// The `sign_task_id` path parameter as a positive integer (422 otherwise).
private func signTaskID(_ context: KilnRequestContext) throws -> Int64 {
    guard let raw = context.parameters.get("sign_task_id"), let id = Int64(raw), id > 0 else {
        throw APIError(.unprocessableContent, "sign_task_id must be a positive integer")
    }
    return id
}
