import Foundation
import NIOHTTP1
import Server
import Testing

/// Auth and every bad input of the build-node protocol: 4xx with `detail`, nothing changed.
/// The router runs in-process (no socket): these are HTTP-contract checks.
@Suite struct BuildNodeBadInputTests {
    @Test func authentication() async throws {
        try await RouterHarness.with { h in
            let user = try await h.userToken("alice")
            let node = try await h.nodeToken("n1")
            let admin = try await h.userToken("root", admin: true)
            let body = ["supported_arches": ["x86_64"]]
            let none = try await h.call(.POST, "/api/v1/build_node/get_task", json: body)
            #expect(none.status == 401)
            #expect(none.detail != nil)
            let garbage = try await h.call(.POST, "/api/v1/build_node/get_task", token: "abc.def.ghi", json: body)
            #expect(garbage.status == 401)
            #expect(garbage.detail != nil)
            let other = try await TokenAuthority(secret: Array("another-secret-another-secret-0123456789".utf8))
            let forged = try await other.issue(KilnClaims(sub: "n1", scope: .node))
            let wrongKey = try await h.call(.POST, "/api/v1/build_node/get_task", token: forged, json: body)
            #expect(wrongKey.status == 401)
            let expired = try await h.tokens.issue(
                KilnClaims(sub: "n1", scope: .node, expires: Date(timeIntervalSinceNow: -60)))
            let late = try await h.call(.POST, "/api/v1/build_node/get_task", token: expired, json: body)
            #expect(late.status == 401)
            let asUser = try await h.call(.POST, "/api/v1/build_node/get_task", token: user, json: body)
            #expect(asUser.status == 403)
            #expect(asUser.detail?.contains("node") ?? false)
            // Build reads are public (as in ALBS); writes need a user token.
            let asNode = try await h.call(.PATCH, "/api/v1/builds/1/restart-failed", token: node)
            #expect(asNode.status == 403)
            #expect(asNode.detail != nil)
            let noToken = try await h.call(.PATCH, "/api/v1/builds/1/restart-failed")
            #expect(noToken.status == 401)
            let readAsNode = try await h.call(.GET, "/api/v1/builds/", token: node)
            #expect(readAsNode.status == 200)
            let asAdmin = try await h.call(.GET, "/api/v1/builds/", token: admin)
            #expect(asAdmin.status == 200)
            let ok = try await h.call(.POST, "/api/v1/build_node/get_task", token: node, json: body)
            #expect(ok.status == 200)
            #expect(ok.text == "null")
        }
    }

    @Test func badNodeInputChangesNothing() async throws {
        let packages = try TestPackages.get()
        try await RouterHarness.with { h in
            try await Fixtures.platform(h.client, name: "P", arches: ["x86_64"])
            let user = try await h.userToken("alice")
            let created = try await h.call(
                .POST, "/api/v1/builds/", token: user,
                json: [
                    "platforms": [["name": "P", "arch_list": ["x86_64"]]],
                    "tasks": [["url": "https://git.example.org/rpms/hello.git"]]
                ])
            let taskID =
                ((created.object["tasks"] as? [[String: Any]])?.first { $0["arch"] as? String != "src" }?["id"] as? Int)
                ?? 0
            let holder = try await SimulatedNode(h, name: "holder", arches: ["x86_64"])
            let intruder = try await SimulatedNode(h, name: "intruder", arches: ["x86_64"])
            let token = holder.token

            // get_task / ping shapes.
            let malformed = try await h.call(
                .POST, "/api/v1/build_node/get_task", token: token, raw: "{\"supported_arches\": [")
            #expect(malformed.status == 400)
            #expect(malformed.detail != nil)
            let missing = try await h.call(
                .POST, "/api/v1/build_node/get_task", token: token, json: ["arches": ["x86_64"]])
            #expect(missing.status == 422)
            #expect(missing.detail?.contains("supported_arches") ?? false, "\(missing.text)")
            let wrongType = try await h.call(
                .POST, "/api/v1/build_node/get_task", token: token, json: ["supported_arches": "x86_64"])
            #expect(wrongType.status == 422)
            let empty = try await h.call(
                .POST, "/api/v1/build_node/get_task", token: token, json: ["supported_arches": []])
            #expect(empty.status == 422)
            let badPing = try await h.call(
                .POST, "/api/v1/build_node/ping", token: token, json: ["active_tasks": ["x"]])
            #expect(badPing.status == 422)
            let started = try await h.count("SELECT count(*) FROM build_tasks WHERE status <> 0")
            #expect(started == 0, "no bad request claimed anything")

            // build_done before the task is started, on an unknown task, with a bad status.
            let notStarted = try await holder.buildDone(taskID)
            #expect(notStarted.status == 409)
            let unknown = try await holder.buildDone(987_654)
            #expect(unknown.status == 404)
            #expect(unknown.detail != nil)
            let claimed = try await holder.getTask()
            #expect(claimed?.id == taskID)
            let badStatus = try await h.call(
                .POST, "/api/v1/build_node/build_done", token: token,
                json: ["task_id": taskID, "status": "finished", "artifacts": []])
            #expect(badStatus.status == 422)
            #expect(badStatus.detail?.contains("status") ?? false, "\(badStatus.text)")
            let badType = try await h.call(
                .POST, "/api/v1/build_node/build_done", token: token,
                json: [
                    "task_id": taskID, "status": "done",
                    "artifacts": [
                        ["name": "x.rpm", "type": "iso", "href": "/h", "sha256": String(repeating: "a", count: 64)]
                    ]
                ])
            #expect(badType.status == 422)
            let badName = try await h.call(
                .POST, "/api/v1/build_node/build_done", token: token,
                json: [
                    "task_id": taskID, "status": "done",
                    "artifacts": [
                        ["name": "README", "type": "rpm", "href": "/h", "sha256": String(repeating: "a", count: 64)]
                    ]
                ])
            #expect(badName.status == 422)
            // An href the artifact store does not know is found by the import after the answer:
            // BuildImportTests.unknownArtifactFailsTheTask.
            let malformedDone = try await h.call(.POST, "/api/v1/build_node/build_done", token: token, raw: "[1,")
            #expect(malformedDone.status == 400)
            let notHeld = try await intruder.buildDone(taskID, rpms: [packages.rpm("hello", arch: "x86_64")])
            #expect(notHeld.status == 409)
            #expect((notHeld.object["ok"] as? Bool) == false)
            var status = try await h.count("SELECT status FROM build_tasks WHERE id = \(taskID)")
            #expect(status == 1)
            var artifacts = try await h.count("SELECT count(*) FROM artifacts")
            #expect(artifacts == 0)
            let tests = try await h.count("SELECT count(*) FROM test_tasks")
            #expect(tests == 0)

            // The real result, then a repeat (the node's answer was lost): 200, nothing doubled.
            let done = try await holder.buildDone(taskID, rpms: [packages.rpm("hello", arch: "x86_64")], log: "ok")
            #expect(done.status == 200, "\(done.text)")
            status = try await h.count("SELECT status FROM build_tasks WHERE id = \(taskID)")
            #expect(status == 2)
            artifacts = try await h.count("SELECT count(*) FROM artifacts")
            #expect(artifacts == 2)
            let repeated = try await holder.buildDone(taskID, rpms: [packages.rpm("hello", arch: "x86_64")], log: "ok")
            #expect(repeated.status == 200, "\(repeated.text)")
            artifacts = try await h.count("SELECT count(*) FROM artifacts")
            #expect(artifacts == 2)
            let testTasks = try await h.count("SELECT count(*) FROM test_tasks")
            #expect(testTasks == 1)
        }
    }

    /// Error answers the routes do not throw themselves (too large a body, a wrong method, an
    /// unknown build) are JSON with a `detail` too.
    @Test func otherErrorPathsAnswerJSONDetail() async throws {
        try await RouterHarness.with { h in
            let node = try await h.nodeToken("n1")
            let user = try await h.userToken("alice")
            let huge = "[" + String(repeating: " ", count: RequestLimits.defaultMaxBodySize) + "]"
            let tooLarge = try await h.call(.POST, "/api/v1/build_node/ping", token: node, raw: huge)
            #expect(tooLarge.status == 413, "\(tooLarge.text)")
            #expect(tooLarge.detail != nil, "\(tooLarge.text)")
            let wrongMethod = try await h.call(.GET, "/api/v1/build_node/get_task", token: node)
            #expect((400..<500).contains(wrongMethod.status), "\(wrongMethod.status)")
            #expect(wrongMethod.detail != nil, "\(wrongMethod.text)")
            let badHeader = try await h.call(
                .POST, "/api/v1/build_node/ping", json: ["active_tasks": []],
                headers: ["Authorization": "Basic abc"])
            #expect(badHeader.status == 401)
            #expect(badHeader.detail == ("Authorization header must be: Bearer <token>"))
            let restartMissing = try await h.call(.PATCH, "/api/v1/builds/31337/restart-failed", token: user)
            #expect(restartMissing.status == 404)
            #expect(restartMissing.detail == ("Build 31337 not found"))
            let deleteBadID = try await h.call(.DELETE, "/api/v1/builds/-4/remove", token: user)
            #expect(deleteBadID.status == 422)
            #expect(deleteBadID.detail == ("build_id must be a positive integer"))
        }
    }

    @Test func jwtSecretRules() throws {
        let error = #expect(throws: (any Error).self) {
            try JWTSecret.load(configured: Array("short".utf8), home: "/nonexistent")
        }
        #expect("\(String(describing: error))".contains("at least 32 bytes"))
        let env = try JWTSecret.load(configured: Array(String(repeating: "k", count: 32).utf8), home: "/nonexistent")
        #expect(env.count == 32)
        let home = NSTemporaryDirectory() + "kiln-jwt-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: home) }
        let first = try JWTSecret.load(home: home)
        let second = try JWTSecret.load(home: home)
        #expect(first == second)
        #expect(first.count >= 32)
        let attributes = try FileManager.default.attributesOfItem(atPath: home + "/jwt-secret")
        #expect(((attributes[.posixPermissions] as? NSNumber)?.intValue) == 0o600)
    }
}
