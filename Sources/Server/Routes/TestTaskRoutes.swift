import Foundation
import Hummingbird
import Logging
import Spec
import Store

/// `/api/v1/tests`: ALBS's test-task API, as the test system (ALTS) and clients call it.
/// - `GET get_test_tasks/` (test-system token) hands out at most `KILN_TEST_BATCH` queued tasks
///   (ALTS `TaskRequestPayload`), each leased for `KILN_TEST_TIMEOUT`; `[]` when none wait.
/// - `POST {id}/result/` (test-system token) records ALTS's `{api_version, result, stats}` and
///   answers `{"ok": true}`; a repeat is accepted and changes nothing, a result for an older
///   revision answers 409.
/// - `GET {build_task_id}/latest`, `GET {build_task_id}/{revision}` (public): the task's test
///   tasks of that revision; `GET {build_task_id}/logs`: the logs the latest results carried.
/// - `PUT build/{build_id}/restart`, `PUT build_task/{build_task_id}/restart` (the build's
///   creator or an admin): a new revision; `PUT build/{build_id}/cancel`: queued tasks cancelled.
func addTestTaskRoutes(to tests: RouterGroup<KilnRequestContext>, workflow: TestWorkflow) {
    tests.get("get_test_tasks") { request, context -> Response in
        let identity = try context.caller()
        let claims = try await workflow.tasks.claim(
            node: identity.subject, limit: workflow.settings.batchSize, timeout: workflow.settings.timeout.seconds)
        if !claims.isEmpty {
            context.logger.info("test tasks \(claims.map(\.id)) handed to \(identity.subject)")
        }
        return try claims.map { try TestTaskPayload($0) }.response(from: request, context: context)
    }

    tests.post(":id/result") { request, context -> OKAnswer in
        let id = try pathID(context, "id", named: "test_task_id")
        let body = try await RequestBody.decode(TestResultRequest.self, from: request, context: context)
        try InputCheck.text(body.apiVersion, "api_version", maxLength: InputCheck.archLength, empty: false)
        guard let logs = body.logs else {
            throw APIError(.unprocessableContent, "result.logs must be a list of objects with a string href")
        }
        func text(_ value: some Encodable) throws -> String {
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            return String(decoding: try encoder.encode(value), as: UTF8.self)
        }
        let stats = try body.stats.flatMap { $0 == .null ? nil : try text($0) }
        let outcome = try await workflow.tasks.record(
            id: id, status: body.status, body: try text(body), stats: stats, logs: try text(logs))
        context.logger.info("test task \(id): result \(outcome)")
        return OKAnswer()
    }

    tests.get(":id/latest") { request, context -> Response in
        let id = try pathID(context, "id", named: "build_task_id")
        return try await testTasks(of: id, revision: nil, workflow).response(from: request, context: context)
    }

    tests.get(":id/logs") { request, context -> Response in
        let id = try pathID(context, "id", named: "build_task_id")
        let rows = try await testTasks(of: id, revision: nil, workflow)
        var logs: [TestLogAnswer] = []
        for row in rows {
            guard let data = row.altsResponse,
                case .object(let body) = data, case .object(let result)? = body["result"],
                case .array(let entries)? = result["logs"]
            else { continue }
            for case .object(let entry) in entries {
                guard case .string(let href)? = entry["href"] else { continue }
                var name: String?
                if case .string(let value)? = entry["name"] { name = value }
                logs.append(
                    TestLogAnswer(
                        testTaskID: row.id, revision: row.revision, packageName: row.packageName, name: name,
                        href: href))
            }
        }
        return try logs.response(from: request, context: context)
    }

    tests.get(":id/:revision") { request, context -> Response in
        let id = try pathID(context, "id", named: "build_task_id")
        let revision = try pathID(context, "revision")
        guard revision <= Int32.max else { throw APIError(.unprocessableContent, "revision is out of range") }
        let rows = try await testTasks(of: id, revision: Int(revision), workflow)
        guard !rows.isEmpty else {
            throw APIError(.notFound, "Build task \(id) has no test tasks of revision \(revision)")
        }
        return try rows.response(from: request, context: context)
    }

    tests.put("build/:build_id/restart") { _, context -> TestTasksChangedAnswer in
        let requestedBy = context.requestedBy
        let id = try pathID(context, "build_id")
        let count = try await workflow.tasks.restart(buildID: id, requestedBy: requestedBy)
        if count > 0 { await workflow.audit.record("build", id, "restart_tests", by: context) }
        context.logger.info("tests of build \(id) restarted: \(count) test tasks")
        return TestTasksChangedAnswer(count: count, revision: nil)
    }

    tests.put("build_task/:build_task_id/restart") { _, context -> TestTasksChangedAnswer in
        let requestedBy = context.requestedBy
        let id = try pathID(context, "build_task_id")
        let count = try await workflow.tasks.restart(buildTaskID: id, requestedBy: requestedBy)
        if count > 0 { await workflow.audit.record("build_task", id, "restart_tests", by: context) }
        let revision = try await workflow.tasks.tasks(buildTaskID: id, revision: nil)?.first?.revision
        context.logger.info("tests of build task \(id) restarted as revision \(revision ?? 0)")
        return TestTasksChangedAnswer(count: count, revision: revision)
    }

    tests.put("build/:build_id/cancel") { _, context -> TestTasksChangedAnswer in
        let requestedBy = context.requestedBy
        let id = try pathID(context, "build_id")
        let count = try await workflow.tasks.cancel(buildID: id, requestedBy: requestedBy)
        if count > 0 { await workflow.audit.record("build", id, "cancel_tests", by: context) }
        context.logger.info("tests of build \(id) cancelled: \(count) queued test tasks")
        return TestTasksChangedAnswer(count: count, revision: nil)
    }
}

/// The test tasks of build task `id` (404 when there is no such build task).
private func testTasks(of id: Int64, revision: Int?, _ workflow: TestWorkflow) async throws -> [TestTaskAnswer] {
    guard let rows = try await workflow.tasks.tasks(buildTaskID: id, revision: revision) else {
        throw APIError(.notFound, "Build task \(id) not found")
    }
    return rows.map(TestTaskAnswer.init)
}

/// The path parameter `name` as a positive integer (422 naming it `named` otherwise).
private func pathID(_ context: KilnRequestContext, _ name: String, named: String? = nil) throws -> Int64 {
    guard let raw = context.parameters.get(name), let id = Int64(raw), id > 0 else {
        throw APIError(.unprocessableContent, "\(named ?? name) must be a positive integer")
    }
    return id
}
