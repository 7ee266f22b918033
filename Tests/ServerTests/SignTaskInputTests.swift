import Artifacts
import Foundation
import KilnTestSupport
import NIOHTTP1
import PostgresNIO
import Processes
import Server
import Statuses
import Store
import Testing

/// The sign-task API's refusals (issue 10): every bad input is a 4xx with a `detail` and changes
/// nothing; tokens of the wrong scope are 401/403; a build is split into batches.
@Suite(.serialized) struct SignTaskInputTests {
    /// The sign tasks' rows as text (status, node, attempts, failures) and the result rows: what a
    /// refused request must leave as it was.
    static func snapshot(_ client: PostgresClient) async throws -> [String] {
        var rows: [String] = []
        for try await (id, status, node, attempts, failures) in try await client.query(
            "SELECT id, status, node_name, attempts, failures::text FROM sign_tasks ORDER BY id"
        ).decode((Int64, Int16, String?, Int32, String).self) {
            rows.append("\(id) \(status) \(node ?? "-") \(attempts) \(failures)")
        }
        for try await (id, state) in try await client.query(
            "SELECT sign_task_id, state FROM sign_task_results ORDER BY sign_task_id"
        ).decode((Int64, String).self) { rows.append("result \(id) \(state)") }
        for try await count in try await client.query("SELECT count(*) FROM sign_task_packages").decode(Int64.self) {
            rows.append("packages \(count)")
        }
        return rows
    }

    @Test func badInputChangesNothing() async throws {
        try await RouterHarness.with { h in
            let platform = try await Fixtures.platform(h.client, name: "P", arches: ["x86_64"])
            let other = try await Fixtures.platform(h.client, name: "Q", arches: ["x86_64"])
            let user = try await h.userToken("alice")
            let mallory = try await h.userToken("mallory")
            let (buildID, _) = try await SignFixtures.finishedBuild(h, token: user, platform: "P", arches: ["x86_64"])
            let key = try await SignFixtures.key()
            let keyID = try await SignFixtures.signKey(h.client, key, name: "k", platforms: [platform])
            let wrongPlatform = try await SignFixtures.signKey(
                h.client, try await SignFixtures.key("Q <q@x.invalid>"), name: "q", platforms: [other])
            let inactive = try await SignFixtures.signKey(
                h.client, try await SignFixtures.key("Old <old@x.invalid>"), name: "old", platforms: [platform],
                active: false)
            let running = try await h.createBuild(token: user, platform: "P", arches: ["x86_64"])
            let signToken = try await h.tokens.issue(KilnClaims(sub: "signer", scope: .signNode))
            let buildNode = try await h.nodeToken("builder")

            func expectRefused(
                _ method: HTTPMethod, _ path: String, token: String?, json: Any? = nil, raw: String? = nil,
                _ status: Int, _ detail: String? = nil, sourceLocation: SourceLocation = #_sourceLocation
            ) async throws {
                let before = try await Self.snapshot(h.client)
                let answer = try await h.call(method, path, token: token, json: json, raw: raw)
                #expect(answer.status == status, "\(method) \(path): \(answer.text)", sourceLocation: sourceLocation)
                let text = answer.object["detail"] as? String
                #expect(text?.isEmpty == false, "\(path): a detail", sourceLocation: sourceLocation)
                if let detail {
                    #expect(text?.contains(detail) == true, "\(text ?? "nil")", sourceLocation: sourceLocation)
                }
                #expect(
                    try await Self.snapshot(h.client) == before, "\(path) changed nothing",
                    sourceLocation: sourceLocation)
            }
            let create = "/api/v1/sign-tasks/"
            let body: [String: Any] = ["build_id": buildID, "sign_key_id": keyID]
            // Tokens.
            try await expectRefused(.POST, create, token: nil, json: body, 401)
            try await expectRefused(.POST, create, token: signToken, json: body, 403)
            try await expectRefused(.POST, create, token: buildNode, json: body, 403)
            try await expectRefused(
                .POST, "/api/v1/sign-tasks/get_sign_task/", token: nil, json: ["key_ids": [key.keyID]], 401)
            try await expectRefused(
                .POST, "/api/v1/sign-tasks/get_sign_task/", token: user, json: ["key_ids": [key.keyID]], 403)
            try await expectRefused(
                .POST, "/api/v1/sign-tasks/get_sign_task/", token: buildNode, json: ["key_ids": [key.keyID]], 403)
            try await expectRefused(
                .POST, "/api/v1/sign-tasks/community/get_gen_sign_key_task/", token: user, json: [:], 403)
            try await expectRefused(
                .POST, "/api/v1/sign-tasks/community/7/complete/", token: signToken, json: ["success": true], 404)
            // Create: shape, unknown objects, rules.
            try await expectRefused(.POST, create, token: user, raw: "{", 400)
            try await expectRefused(.POST, create, token: user, json: [:], 422)
            try await expectRefused(.POST, create, token: user, json: ["build_id": -1, "sign_key_id": keyID], 422)
            try await expectRefused(.POST, create, token: user, json: ["build_id": "x", "sign_key_id": keyID], 422)
            try await expectRefused(.POST, create, token: user, json: ["build_id": 999_999, "sign_key_id": keyID], 404)
            try await expectRefused(
                .POST, create, token: user, json: ["build_id": buildID, "sign_key_id": 999_999], 404)
            try await expectRefused(.POST, create, token: mallory, json: body, 403, "creator")
            try await expectRefused(
                .POST, create, token: user, json: ["build_id": buildID, "sign_key_id": inactive], 422, "inactive")
            try await expectRefused(
                .POST, create, token: user, json: ["build_id": buildID, "sign_key_id": wrongPlatform], 422, "P")
            try await expectRefused(
                .POST, create, token: user, json: ["build_id": running.id, "sign_key_id": keyID], 409, "unfinished")
            try await expectRefused(.GET, "/api/v1/sign-tasks/?build_id=abc", token: nil, 422)

            let created = try await h.call(.POST, create, token: user, json: body)
            #expect(created.status == 200, "\(created.text)")
            let taskID = try #require(created.object["id"] as? Int)
            try await expectRefused(.POST, create, token: user, json: body, 409, "already has")
            try await expectRefused(.PUT, "/api/v1/sign-tasks/\(taskID)/restart", token: user, 409, "has not failed")
            try await expectRefused(.PUT, "/api/v1/sign-tasks/999999/restart", token: user, 404)
            try await expectRefused(.PUT, "/api/v1/sign-tasks/\(taskID)/restart", token: mallory, 403)

            // get_sign_task: bad key lists; an unknown key gets `{}`.
            let get = "/api/v1/sign-tasks/get_sign_task/"
            try await expectRefused(.POST, get, token: signToken, json: ["key_ids": key.keyID], 422)
            try await expectRefused(.POST, get, token: signToken, json: ["key_ids": ["a\u{0}b"]], 422)
            try await expectRefused(.POST, get, token: signToken, json: ["key_ids": [""]], 422)
            try await expectRefused(.POST, get, token: signToken, json: [:], 422)
            let none = try await h.call(.POST, get, token: signToken, json: ["key_ids": ["0123456789ABCDEF"]])
            #expect(none.status == 200 && none.text == "{}")

            // complete: only from the holder, with a well-formed report.
            let node = try await TestSignNode(h, name: "signer", key: key)
            let task = try #require(try await node.getTask())
            let uploaded = try await h.store.uploadArtifact(file: try TestPackages.get().rpm("world", arch: "x86_64"))
            let good: [String: Any] = [
                "id": task.packages[0].id, "name": task.packages[0].name, "arch": task.packages[0].arch, "type": "rpm",
                "href": uploaded.href, "fingerprint": key.fingerprint,
                "sha256": String(repeating: "a", count: 64)
            ]
            func report(_ change: (inout [String: Any]) -> Void) -> [String: Any] {
                var package = good
                change(&package)
                return ["build_id": buildID, "success": true, "packages": [package]]
            }
            let complete = "/api/v1/sign-tasks/\(task.id)/complete/"
            let intruder = try await h.tokens.issue(KilnClaims(sub: "intruder", scope: .signNode))
            try await expectRefused(.POST, complete, token: intruder, json: report { _ in }, 409, "another sign node")
            try await expectRefused(.POST, complete, token: user, json: report { _ in }, 403)
            try await expectRefused(
                .POST, "/api/v1/sign-tasks/999999/complete/", token: node.token, json: report { _ in }, 404)
            try await expectRefused(
                .POST, "/api/v1/sign-tasks/0/complete/", token: node.token, json: report { _ in }, 422)
            try await expectRefused(.POST, complete, token: node.token, raw: "[1,", 400)
            try await expectRefused(.POST, complete, token: node.token, json: ["success": true], 422)
            try await expectRefused(
                .POST, complete, token: node.token, json: ["build_id": running.id, "success": false], 422,
                "belongs to build")
            try await expectRefused(
                .POST, complete, token: node.token, json: ["build_id": buildID, "success": true, "packages": []], 422)
            try await expectRefused(.POST, complete, token: node.token, json: report { $0["type"] = "deb" }, 422, "rpm")
            try await expectRefused(
                .POST, complete, token: node.token, json: report { $0["sha256"] = "abc" }, 422, "sha256")
            try await expectRefused(.POST, complete, token: node.token, json: report { $0["id"] = -3 }, 422)
            try await expectRefused(.POST, complete, token: node.token, json: report { $0["name"] = "" }, 422)
            try await expectRefused(
                .POST, complete, token: node.token, json: report { $0["href"] = "x\u{0}y" }, 422, "NUL")
            try await expectRefused(
                .POST, complete, token: node.token,
                json: report { $0["href"] = "/pulp/api/v3/artifacts/0189a0a4-0000-7000-8000-000000000000/" }, 422,
                "not an artifact of Kiln's artifact store")
            var twice = report { _ in }
            twice["packages"] = [good, good]
            try await expectRefused(.POST, complete, token: node.token, json: twice, 422, "twice")
            var stats = report { _ in }
            stats["stats"] = [1, 2]
            try await expectRefused(.POST, complete, token: node.token, json: stats, 422, "stats")
        }
    }

    /// A build of more packages than `KILN_SIGN_BATCH` gets several tasks; two sign nodes take one
    /// each, never the same, and together they cover every package once.
    @Test func aLargeBuildIsSplitIntoBatches() async throws {
        var settings = ServerSettings()
        settings.signing = SigningSettings(timeout: .seconds(600), batchSize: 2)
        try await RouterHarness.with(settings: settings) { h in
            let platform = try await Fixtures.platform(h.client, name: "P", arches: ["x86_64", "aarch64"])
            let user = try await h.userToken("alice")
            let (buildID, rpms) = try await SignFixtures.finishedBuild(
                h, token: user, platform: "P", arches: ["x86_64", "aarch64"])
            #expect(rpms == 4)
            let key = try await SignFixtures.key()
            let keyID = try await SignFixtures.signKey(h.client, key, name: "k", platforms: [platform])
            let created = try await h.call(
                .POST, "/api/v1/sign-tasks/", token: user, json: ["build_id": buildID, "sign_key_id": keyID])
            #expect(created.status == 200, "\(created.text)")
            #expect((created.object["batch_task_ids"] as? [Int])?.count == 2)
            let a = try await TestSignNode(h, name: "a", key: key)
            let b = try await TestSignNode(h, name: "b", key: key)
            let first = try #require(try await a.getTask())
            let second = try #require(try await b.getTask())
            #expect(try await a.getTask() == nil)
            #expect(first.id != second.id)
            #expect(first.packages.count == 2 && second.packages.count == 2)
            let ids = first.packages.map(\.id) + second.packages.map(\.id)
            #expect(Set(ids).count == 4)
            let listed = try await h.call(.GET, "/api/v1/sign-tasks/?build_id=\(buildID)")
            #expect(listed.array.map { $0["node"] as? String }.sorted { ($0 ?? "") < ($1 ?? "") } == ["a", "b"])
        }
    }
}
