import Foundation
import KilnTestSupport
import NIOHTTP1
import PostgresNIO
import Server
import Statuses
import Store
import Testing

/// The test-task API's refusals (issue 11): every bad input is a 4xx with a `detail` and changes
/// nothing; tokens of the wrong scope are 401/403.
@Suite(.serialized) struct TestTaskInputTests {
    static func snapshot(_ client: PostgresClient) async throws -> [String] {
        var rows: [String] = []
        for try await (id, status, revision, node, attempts, response) in try await client.query(
            "SELECT id, status, revision, node_name, attempts, alts_response::text FROM test_tasks ORDER BY id"
        ).decode((Int64, Int16, Int32, String?, Int32, String?).self) {
            rows.append("\(id) \(status) r\(revision) \(node ?? "-") \(attempts) \(response ?? "-")")
        }
        return rows
    }

    @Test func badInputChangesNothing() async throws {
        try await RouterHarness.with { h in
            try await Fixtures.platform(h.client, name: "P", arches: ["x86_64"])
            let user = try await h.userToken("alice")
            let mallory = try await h.userToken("mallory")
            let (buildID, _) = try await SignFixtures.finishedBuild(h, token: user, platform: "P", arches: ["x86_64"])
            let running = try await h.createBuild(token: user, platform: "P", arches: ["x86_64"])
            let alts = try await h.tokens.issue(KilnClaims(sub: "alts", scope: .testSystem))
            let signer = try await h.tokens.issue(KilnClaims(sub: "signer", scope: .signNode))
            let node = try await h.nodeToken("builder")
            let queued = try await h.count("SELECT min(id) FROM test_tasks")
            let buildTask = try await h.count("SELECT build_task_id FROM test_tasks WHERE id = \(queued)")
            #expect(queued > 0)

            func expectRefused(
                _ method: HTTPMethod, _ path: String, token: String?, json: Any? = nil, raw: String? = nil,
                _ status: Int, _ detail: String? = nil, sourceLocation: SourceLocation = #_sourceLocation
            ) async throws {
                let before = try await Self.snapshot(h.client)
                let answer = try await h.call(method, path, token: token, json: json, raw: raw)
                #expect(answer.status == status, "\(method) \(path): \(answer.text)", sourceLocation: sourceLocation)
                #expect(answer.detail?.isEmpty == false, "\(path): a detail", sourceLocation: sourceLocation)
                if let detail {
                    #expect(
                        answer.detail?.contains(detail) == true, "\(answer.detail ?? "nil")",
                        sourceLocation: sourceLocation)
                }
                #expect(
                    try await Self.snapshot(h.client) == before, "\(path) changed nothing",
                    sourceLocation: sourceLocation)
            }
            let pull = "/api/v1/tests/get_test_tasks/"
            let good: [String: Any] = ["api_version": "1", "result": ["tests": [["success": true]]], "stats": [:]]
            // Tokens.
            try await expectRefused(.GET, pull, token: nil, 401)
            for token in [user, signer, node] {
                try await expectRefused(.GET, pull, token: token, 403, "test_system")
                try await expectRefused(.POST, "/api/v1/tests/\(queued)/result/", token: token, json: good, 403)
            }
            try await expectRefused(.POST, "/api/v1/tests/\(queued)/result/", token: nil, json: good, 401)
            try await expectRefused(.PUT, "/api/v1/tests/build/\(buildID)/restart", token: nil, 401)
            try await expectRefused(.PUT, "/api/v1/tests/build/\(buildID)/restart", token: alts, 403)
            try await expectRefused(.PUT, "/api/v1/tests/build/\(buildID)/restart", token: mallory, 403, "creator")
            try await expectRefused(.PUT, "/api/v1/tests/build_task/\(buildTask)/restart", token: mallory, 403)
            try await expectRefused(.PUT, "/api/v1/tests/build/\(buildID)/cancel", token: mallory, 403)
            try await expectRefused(.PUT, "/api/v1/tests/build/\(buildID)/cancel", token: node, 403)
            // Ids.
            for bad in ["0", "-1", "x", "99999999999999999999"] {
                try await expectRefused(.POST, "/api/v1/tests/\(bad)/result/", token: alts, json: good, 422)
                try await expectRefused(.GET, "/api/v1/tests/\(bad)/latest", token: nil, 422)
                try await expectRefused(.PUT, "/api/v1/tests/build/\(bad)/restart", token: user, 422)
            }
            try await expectRefused(.GET, "/api/v1/tests/\(buildTask)/0", token: nil, 422)
            try await expectRefused(.POST, "/api/v1/tests/999999/result/", token: alts, json: good, 404)
            try await expectRefused(.GET, "/api/v1/tests/999999/latest", token: nil, 404)
            try await expectRefused(.PUT, "/api/v1/tests/build/999999/restart", token: user, 404)
            try await expectRefused(.PUT, "/api/v1/tests/build_task/999999/restart", token: user, 404)
            try await expectRefused(.PUT, "/api/v1/tests/build/999999/cancel", token: user, 404)
            // A build with no completed arch task has nothing to restart.
            try await expectRefused(.PUT, "/api/v1/tests/build/\(running.id)/restart", token: user, 409)
            // Bodies.
            let result = "/api/v1/tests/\(queued)/result/"
            try await expectRefused(.POST, result, token: alts, raw: "{", 400)
            try await expectRefused(.POST, result, token: alts, json: ["result": [:]], 422)
            try await expectRefused(.POST, result, token: alts, json: ["api_version": "1", "result": []], 422)
            try await expectRefused(.POST, result, token: alts, json: ["api_version": "", "result": [:]], 422)
            try await expectRefused(
                .POST, result, token: alts, json: ["api_version": "1", "result": ["logs": "nope"]], 422, "logs")
            try await expectRefused(
                .POST, result, token: alts, json: ["api_version": "1", "result": ["logs": [["name": "x"]]]], 422)
            // A result for a task nobody was handed.
            try await expectRefused(.POST, result, token: alts, json: good, 409, "handed out")
            // The builds filter.
            let filter = try await h.call(.GET, "/api/v1/builds/?tests=green")
            #expect(filter.status == 422 && filter.detail?.contains("passed") == true, "\(filter.text)")
        }
    }
}
