import Spec

/// The test-task routes (`TestTaskRoutes`): ALBS paths, for the test system (ALTS) and users.
extension OpenAPIOperation {
    private static func op(
        _ method: String, _ path: String, _ id: String, _ summary: String, scopes: [AuthScope] = [],
        parameters: [Parameter] = [], body: OpenAPISchema? = nil, example: JSONValue? = nil, _ responses: [Answer]
    ) -> OpenAPIOperation {
        OpenAPIOperation(
            method: method, path: path, id: id, tag: "tests", summary: summary, scopes: scopes,
            parameters: parameters, body: body, bodyExample: example, responses: responses)
    }

    private static let restartAnswers: [Answer] = [
        .error(403, "Not the build's creator."), .error(404, "No such build or build task."),
        .error(409, "Nothing completed to test."), .error(422, "A wrong id, or no binary packages to test.")
    ]

    static let testTasks: [OpenAPIOperation] = [
        op(
            "get", "/api/v1/tests/get_test_tasks/", "getTestTasks",
            "Claim at most `KILN_TEST_BATCH` queued test tasks (ALTS's pull), each leased for `KILN_TEST_TIMEOUT`.",
            scopes: [.testSystem],
            [Answer(200, "The tasks, `[]` when none wait.", .array(.ref("TestTaskPayload")))]),
        op(
            "post", "/api/v1/tests/{id}/result/", "recordTestResult",
            "Record ALTS's result for a test task; a repeat is accepted and changes nothing.",
            scopes: [.testSystem], parameters: [.path("id")], body: .ref("TestTaskResult"),
            example: .object([
                "api_version": .string("1"),
                "result": .object(["tests": .array([.object(["success": .bool(true)])]), "logs": .array([])]),
                "stats": .object([:])
            ]),
            [
                Answer(200, "Recorded.", .ref("OK")), .error(404, "No such test task."),
                .error(409, "An older revision, a task not handed out, cancelled, or holding another result."),
                .error(422, "A wrong body.")
            ]),
        op(
            "get", "/api/v1/tests/{id}/latest", "latestTestTasks", "A build task's test tasks of its latest revision.",
            parameters: [.path("id")],
            [Answer(200, "The test tasks, by id.", .array(.ref("TestTask"))), .error(404, "No such build task.")]),
        op(
            "get", "/api/v1/tests/{id}/logs", "testTaskLogs", "The logs the latest results of a build task carried.",
            parameters: [.path("id")],
            [Answer(200, "The logs.", .array(.ref("TestLog"))), .error(404, "No such build task.")]),
        op(
            "get", "/api/v1/tests/{id}/{revision}", "testTasksOfRevision", "A build task's test tasks of one revision.",
            parameters: [.path("id"), .path("revision")],
            [
                Answer(200, "The test tasks, by id.", .array(.ref("TestTask"))),
                .error(404, "No such build task or revision.")
            ]),
        op(
            "put", "/api/v1/tests/build/{build_id}/restart", "restartBuildTests",
            "Test every completed arch task of a build again, as a new revision (the creator or an admin).",
            scopes: [.user], parameters: [.path("build_id")],
            [Answer(200, "How many test tasks were made.", .ref("TestTasksChanged"))] + restartAnswers),
        op(
            "put", "/api/v1/tests/build_task/{build_task_id}/restart", "restartBuildTaskTests",
            "Test one build task again, as a new revision; older revisions stay readable.",
            scopes: [.user], parameters: [.path("build_task_id")],
            [Answer(200, "How many test tasks were made, and the revision.", .ref("TestTasksChanged"))]
                + restartAnswers),
        op(
            "put", "/api/v1/tests/build/{build_id}/cancel", "cancelBuildTests",
            "Cancel a build's queued test tasks (the creator or an admin).", scopes: [.user],
            parameters: [.path("build_id")],
            [
                Answer(200, "How many test tasks were cancelled.", .ref("TestTasksChanged")),
                .error(403, "Not the build's creator."), .error(404, "No such build.")
            ])
    ]
}
