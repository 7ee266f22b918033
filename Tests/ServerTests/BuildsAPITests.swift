import Foundation
import Server
import XCTest

/// `/api/v1/builds`: pagination, delete rules and bad input.
final class BuildsAPITests: XCTestCase {
    func create(_ h: ServerHarness, _ token: String, linked: [Int] = []) async throws -> Int {
        try await h.createBuild(token: token, linked: linked).id
    }

    func testPagination() async throws {
        try await ServerHarness.with(settings: ServerSettings(buildsPageSize: 2)) { h in
            try await Fixtures.platform(h.client, name: "P", arches: ["x86_64"])
            let user = try await h.userToken("alice")
            var ids: [Int] = []
            for _ in 0..<3 { ids.append(try await create(h, user)) }
            let page1 = try await h.call(.GET, "/api/v1/builds/?pageNumber=1", token: user)
            XCTAssertEqual(page1.status, 200)
            XCTAssertEqual(page1.object["total_builds"] as? Int, 3)
            XCTAssertEqual(page1.object["current_page"] as? Int, 1)
            XCTAssertEqual((page1.object["builds"] as? [[String: Any]])?.compactMap { $0["id"] as? Int }, [ids[2], ids[1]])
            let page2 = try await h.call(.GET, "/api/v1/builds/?pageNumber=2", token: user)
            XCTAssertEqual((page2.object["builds"] as? [[String: Any]])?.compactMap { $0["id"] as? Int }, [ids[0]])
            let all = try await h.call(.GET, "/api/v1/builds/", token: user)
            XCTAssertEqual(all.array.count, 3)
            let bad = try await h.call(.GET, "/api/v1/builds/?pageNumber=0", token: user)
            XCTAssertEqual(bad.status, 422)
            XCTAssertNotNil(bad.detail)
        }
    }

    func testDeleteRules() async throws {
        try await ServerHarness.with { h in
            try await Fixtures.platform(h.client, name: "P", arches: ["x86_64"])
            let user = try await h.userToken("alice")
            let plain = try await create(h, user)
            let removed = try await h.call(.DELETE, "/api/v1/builds/\(plain)/remove", token: user)
            XCTAssertEqual(removed.status, 204, removed.text)
            let gone = try await h.call(.GET, "/api/v1/builds/\(plain)/", token: user)
            XCTAssertEqual(gone.status, 404)
            XCTAssertNotNil(gone.detail)
            let again = try await h.call(.DELETE, "/api/v1/builds/\(plain)/remove", token: user)
            XCTAssertEqual(again.status, 404)
            let orphanRefs = try await h.count("SELECT count(*) FROM build_task_refs")
            XCTAssertEqual(orphanRefs, 0)

            let released = try await create(h, user)
            try await h.client.query("UPDATE builds SET released = true WHERE id = \(Int64(released))")
            let signed = try await create(h, user)
            try await h.client.query("UPDATE builds SET signed = true WHERE id = \(Int64(signed))")
            let inRelease = try await create(h, user)
            try await h.client.query("""
                WITH r AS (INSERT INTO releases (platform_id) SELECT id FROM platforms WHERE name = 'P' RETURNING id)
                INSERT INTO release_builds (release_id, build_id) SELECT id, \(Int64(inRelease)) FROM r
                """)
            let linkedTo = try await create(h, user)
            _ = try await create(h, user, linked: [linkedTo])
            for id in [released, signed, inRelease, linkedTo] {
                let refused = try await h.call(.DELETE, "/api/v1/builds/\(id)/remove", token: user)
                XCTAssertEqual(refused.status, 409, "build \(id): \(refused.text)")
                XCTAssertNotNil(refused.detail)
                let still = try await h.call(.GET, "/api/v1/builds/\(id)/", token: user)
                XCTAssertEqual(still.status, 200)
            }
            let tasks = try await h.count("SELECT count(*) FROM build_tasks")
            XCTAssertEqual(tasks, 5)
        }
    }

    /// Only the build's creator or an admin may delete it: another user or a node gets 403 with a
    /// detail, and the build stays whole.
    func testDeleteOnlyByCreatorOrAdmin() async throws {
        try await ServerHarness.with { h in
            try await Fixtures.platform(h.client, name: "P", arches: ["x86_64"])
            let alice = try await h.userToken("alice")
            let bob = try await h.userToken("bob")
            let admin = try await h.userToken("root", admin: true)
            let node = try await h.nodeToken("node-1")
            let first = try await create(h, alice)
            let second = try await create(h, alice)

            let byOther = try await h.call(.DELETE, "/api/v1/builds/\(first)/remove", token: bob)
            XCTAssertEqual(byOther.status, 403, byOther.text)
            XCTAssertEqual(byOther.detail, "Only the build's creator or an admin can delete build \(first)")
            let byNode = try await h.call(.DELETE, "/api/v1/builds/\(first)/remove", token: node)
            XCTAssertEqual(byNode.status, 403, byNode.text)
            XCTAssertNotNil(byNode.detail)
            let anonymous = try await h.call(.DELETE, "/api/v1/builds/\(first)/remove")
            XCTAssertEqual(anonymous.status, 401)
            XCTAssertNotNil(anonymous.detail)
            let still = try await h.call(.GET, "/api/v1/builds/\(first)/", token: bob)
            XCTAssertEqual(still.status, 200)
            let tasks = try await h.count("SELECT count(*) FROM build_tasks WHERE build_id = \(first)")
            XCTAssertEqual(tasks, 1, "a refused delete changes nothing")
            let missing = try await h.call(.DELETE, "/api/v1/builds/4242/remove", token: bob)
            XCTAssertEqual(missing.status, 404)
            XCTAssertEqual(missing.detail, "Build 4242 not found")

            let byAdmin = try await h.call(.DELETE, "/api/v1/builds/\(first)/remove", token: admin)
            XCTAssertEqual(byAdmin.status, 204, byAdmin.text)
            let byCreator = try await h.call(.DELETE, "/api/v1/builds/\(second)/remove", token: alice)
            XCTAssertEqual(byCreator.status, 204, byCreator.text)
            let builds = try await h.count("SELECT count(*) FROM builds")
            XCTAssertEqual(builds, 0)
        }
    }

    func testBadBuildInputChangesNothing() async throws {
        try await ServerHarness.with { h in
            try await Fixtures.platform(h.client, name: "P", arches: ["x86_64"])
            let user = try await h.userToken("alice")
            let cases: [(Any?, String?, Int, String)] = [
                ([ "platforms": [["name": "Nope", "arch_list": ["x86_64"]]], "tasks": [["url": "u"]]], nil, 422, "Nope"),
                ([ "platforms": [["name": "P", "arch_list": ["s390x"]]], "tasks": [["url": "u"]]], nil, 422, "s390x"),
                ([ "platforms": [["name": "P", "arch_list": ["x86_64"]]], "tasks": []], nil, 422, "task"),
                ([ "platforms": [], "tasks": [["url": "u"]]], nil, 422, "platform"),
                ([ "tasks": [["url": "u"]]], nil, 422, "platforms"),
                ([ "platforms": [["name": "P", "arch_list": "x86_64"]], "tasks": [["url": "u"]]], nil, 422, "arch_list"),
                ([ "platforms": [["name": "P", "arch_list": ["x86_64"]]], "tasks": [["url": "u", "ref_type": 9]]], nil, 422, "ref_type"),
                (nil, "{not json", 400, "JSON") as (Any?, String?, Int, String),
                (nil, "", 422, "body"),
            ]
            for (json, raw, status, mention) in cases {
                let answer = try await h.call(.POST, "/api/v1/builds/", token: user, json: json, raw: raw)
                XCTAssertEqual(answer.status, status, "\(String(describing: json ?? raw)): \(answer.text)")
                XCTAssertTrue(answer.detail?.lowercased().contains(mention.lowercased()) ?? false, "detail: \(answer.text)")
            }
            let builds = try await h.count("SELECT count(*) FROM builds")
            XCTAssertEqual(builds, 0)
            let refs = try await h.count("SELECT count(*) FROM build_task_refs")
            XCTAssertEqual(refs, 0)
            let notANumber = try await h.call(.GET, "/api/v1/builds/abc/", token: user)
            XCTAssertEqual(notANumber.status, 422)
            let missing = try await h.call(.GET, "/api/v1/builds/77/", token: user)
            XCTAssertEqual(missing.status, 404)
            XCTAssertEqual(missing.detail, "Build 77 not found")
            let noRoute = try await h.call(.GET, "/api/v1/nothing-here", token: user)
            XCTAssertEqual(noRoute.status, 404)
            XCTAssertNotNil(noRoute.detail)
        }
    }
}
