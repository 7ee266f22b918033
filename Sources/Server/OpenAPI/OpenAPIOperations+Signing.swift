import Spec

/// The sign-task routes (`SignTaskRoutes`): ALBS paths, for users and sign nodes.
extension OpenAPIOperation {
    private static func op(
        _ method: String, _ path: String, _ id: String, _ summary: String, scopes: [AuthScope] = [],
        parameters: [Parameter] = [], body: OpenAPISchema? = nil, example: JSONValue? = nil, _ responses: [Answer]
    ) -> OpenAPIOperation {
        OpenAPIOperation(
            method: method, path: path, id: id, tag: "sign-tasks", summary: summary, scopes: scopes,
            parameters: parameters, body: body, bodyExample: example, responses: responses)
    }

    static let signTasks: [OpenAPIOperation] = [
        op(
            "get", "/api/v1/sign-tasks/", "listSignTasks", "List sign tasks (public), of one build with `build_id`.",
            parameters: [
                Parameter(
                    name: "build_id", location: .query, schema: .integer(format: "int64", minimum: 1), required: false,
                    description: "Only this build's sign tasks.", example: .int(1))
            ],
            [Answer(200, "The sign tasks, by id.", .array(.ref("SignTask")))]),
        op(
            "post", "/api/v1/sign-tasks/", "createSignTask",
            "Sign a finished build with a key (the build's creator or an admin); a build of more than "
                + "`KILN_SIGN_BATCH` packages gets several tasks.",
            scopes: [.user], body: .ref("SignTaskCreate"),
            example: .object(["build_id": .int(1), "sign_key_id": .int(1)]),
            [
                Answer(200, "The first sign task created; `batch_task_ids` lists all.", .ref("SignTask")),
                .error(401, "No token, an invalid token, or the token's user does not exist."),
                .error(403, "Not the build's creator."),
                .error(404, "No such build or sign key."),
                .error(409, "The build has unfinished tasks, an open sign task, or is signed already."),
                .error(
                    422, "A wrong body; an inactive key, one not allowed for the build's platforms; nothing to sign.")
            ]),
        op(
            "post", "/api/v1/sign-tasks/get_sign_task/", "getSignTask",
            "Claim the next sign task for one of the node's keys.", scopes: [.signNode], body: .ref("GetSignTask"),
            example: .object(["key_ids": .array([.string("D36CB86CB86B3716")])]),
            [Answer(200, "The task, or `{}` when there is none.", .oneOf([.ref("AvailableSignTask"), .ref("Empty")]))]),
        op(
            "post", "/api/v1/sign-tasks/{sign_task_id}/complete/", "completeSignTask",
            "Report a sign task's result; Kiln verifies every signed package before it counts.",
            scopes: [.signNode], parameters: [.path("sign_task_id")], body: .ref("SignTaskComplete"),
            example: .object(["build_id": .int(1), "success": .bool(false), "error_message": .string("gpg failed")]),
            [
                Answer(200, "Recorded (verification follows).", .ref("SignTaskCompleteAnswer")),
                .error(404, "No such sign task."),
                .error(409, "The task is held by another sign node, or it is finished."),
                .error(422, "A wrong body, or hrefs Kiln's artifact store does not hand out.")
            ]),
        op(
            "put", "/api/v1/sign-tasks/{sign_task_id}/restart", "restartSignTask",
            "Put a failed sign task back to idle (the build's creator or an admin).", scopes: [.user],
            parameters: [.path("sign_task_id")],
            [
                Answer(200, "The task, idle again.", .ref("SignTask")),
                .error(403, "Not the build's creator."),
                .error(404, "No such sign task."),
                .error(409, "The task has not failed.")
            ]),
        op(
            "post", "/api/v1/sign-tasks/community/get_gen_sign_key_task/", "getGenSignKeyTask",
            "Key generation tasks: always `{}` (sign keys are declared in git).", scopes: [.signNode],
            [Answer(200, "Nothing to do.", .ref("Empty"))]),
        op(
            "post", "/api/v1/sign-tasks/community/{gen_key_task_id}/complete/", "completeGenSignKeyTask",
            "Key generation results: Kiln hands out no key generation task.", scopes: [.signNode],
            parameters: [.path("gen_key_task_id")], [.error(404, "No such key generation task.")])
    ]
}
