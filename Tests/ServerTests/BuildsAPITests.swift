import Foundation
import NIOHTTP1
import PostgresNIO
import Server
import Testing

/// `/api/v1/builds`: pagination, delete rules and bad input, against the router in-process.
@Suite struct BuildsAPITests {
    func create(_ h: RouterHarness, _ token: String, linked: [Int] = []) async throws -> Int {
        try await h.createBuild(token: token, linked: linked).id
    }

    @Test func pagination() async throws {
        try await RouterHarness.with(settings: ServerSettings(buildsPageSize: 2)) { h in
            try await Fixtures.platform(h.client, name: "P", arches: ["x86_64"])
            let user = try await h.userToken("alice")
            var ids: [Int] = []
            for _ in 0..<3 { ids.append(try await create(h, user)) }
            let page1 = try await h.call(.GET, "/api/v1/builds/?pageNumber=1", token: user)
            #expect(page1.status == 200)
            #expect((page1.object["total_builds"] as? Int) == 3)
            #expect((page1.object["current_page"] as? Int) == 1)
            #expect(
                ((page1.object["builds"] as? [[String: Any]])?.compactMap { $0["id"] as? Int }) == ([ids[2], ids[1]]))
            let page2 = try await h.call(.GET, "/api/v1/builds/?pageNumber=2", token: user)
            #expect(((page2.object["builds"] as? [[String: Any]])?.compactMap { $0["id"] as? Int }) == [ids[0]])
            let all = try await h.call(.GET, "/api/v1/builds/", token: user)
            #expect(all.array.count == 3)
            let bad = try await h.call(.GET, "/api/v1/builds/?pageNumber=0", token: user)
            #expect(bad.status == 422)
            #expect(bad.detail != nil)
        }
    }

    @Test func deleteRules() async throws {
        try await RouterHarness.with { h in
            try await Fixtures.platform(h.client, name: "P", arches: ["x86_64"])
            let user = try await h.userToken("alice")
            let plain = try await create(h, user)
            let removed = try await h.call(.DELETE, "/api/v1/builds/\(plain)/remove", token: user)
            #expect(removed.status == 204, "\(removed.text)")
            let gone = try await h.call(.GET, "/api/v1/builds/\(plain)/", token: user)
            #expect(gone.status == 404)
            #expect(gone.detail != nil)
            let again = try await h.call(.DELETE, "/api/v1/builds/\(plain)/remove", token: user)
            #expect(again.status == 404)
            let orphanRefs = try await h.count("SELECT count(*) FROM build_task_refs")
            #expect(orphanRefs == 0)

            let released = try await create(h, user)
            try await h.client.query("UPDATE builds SET released = true WHERE id = \(Int64(released))")
            let signed = try await create(h, user)
            try await h.client.query("UPDATE builds SET signed = true WHERE id = \(Int64(signed))")
            let inRelease = try await create(h, user)
            try await h.client.query(
                """
                WITH r AS (INSERT INTO releases (platform_id) SELECT id FROM platforms WHERE name = 'P' RETURNING id)
                INSERT INTO release_builds (release_id, build_id) SELECT id, \(Int64(inRelease)) FROM r
                """)
            let linkedTo = try await create(h, user)
            _ = try await create(h, user, linked: [linkedTo])
            for id in [released, signed, inRelease, linkedTo] {
                let refused = try await h.call(.DELETE, "/api/v1/builds/\(id)/remove", token: user)
                #expect(refused.status == 409, "build \(id): \(refused.text)")
                #expect(refused.detail != nil)
                let still = try await h.call(.GET, "/api/v1/builds/\(id)/", token: user)
                #expect(still.status == 200)
            }
            let tasks = try await h.count("SELECT count(*) FROM build_tasks WHERE arch <> 'src'")
            #expect(tasks == 5)
        }
    }

    /// Only the build's creator or an admin may delete it: another user or a node gets 403 with a
    /// detail, and the build stays whole.
    @Test func deleteOnlyByCreatorOrAdmin() async throws {
        try await RouterHarness.with { h in
            try await Fixtures.platform(h.client, name: "P", arches: ["x86_64"])
            let alice = try await h.userToken("alice")
            let bob = try await h.userToken("bob")
            let admin = try await h.userToken("root", admin: true)
            let node = try await h.nodeToken("node-1")
            let first = try await create(h, alice)
            let second = try await create(h, alice)

            let byOther = try await h.call(.DELETE, "/api/v1/builds/\(first)/remove", token: bob)
            #expect(byOther.status == 403, "\(byOther.text)")
            #expect(byOther.detail == ("Only the build's creator or an admin can delete build \(first)"))
            let byNode = try await h.call(.DELETE, "/api/v1/builds/\(first)/remove", token: node)
            #expect(byNode.status == 403, "\(byNode.text)")
            #expect(byNode.detail != nil)
            let anonymous = try await h.call(.DELETE, "/api/v1/builds/\(first)/remove")
            #expect(anonymous.status == 401)
            #expect(anonymous.detail != nil)
            let still = try await h.call(.GET, "/api/v1/builds/\(first)/", token: bob)
            #expect(still.status == 200)
            let tasks = try await h.count("SELECT count(*) FROM build_tasks WHERE build_id = \(first)")
            #expect(tasks == 2, "a refused delete changes nothing (src + x86_64)")
            let missing = try await h.call(.DELETE, "/api/v1/builds/4242/remove", token: bob)
            #expect(missing.status == 404)
            #expect(missing.detail == ("Build 4242 not found"))

            let byAdmin = try await h.call(.DELETE, "/api/v1/builds/\(first)/remove", token: admin)
            #expect(byAdmin.status == 204, "\(byAdmin.text)")
            let byCreator = try await h.call(.DELETE, "/api/v1/builds/\(second)/remove", token: alice)
            #expect(byCreator.status == 204, "\(byCreator.text)")
            let builds = try await h.count("SELECT count(*) FROM builds")
            #expect(builds == 0)
        }
    }

    @Test func badBuildInputChangesNothing() async throws {
        try await RouterHarness.with { h in
            try await Fixtures.platform(h.client, name: "P", arches: ["x86_64"])
            let user = try await h.userToken("alice")
            let cases: [(Any?, String?, Int, String)] = [
                (["platforms": [["name": "Nope", "arch_list": ["x86_64"]]], "tasks": [["url": "u"]]], nil, 422, "Nope"),
                (["platforms": [["name": "P", "arch_list": ["s390x"]]], "tasks": [["url": "u"]]], nil, 422, "s390x"),
                (["platforms": [["name": "P", "arch_list": ["x86_64"]]], "tasks": []], nil, 422, "task"),
                (["platforms": [], "tasks": [["url": "u"]]], nil, 422, "platform"),
                (["tasks": [["url": "u"]]], nil, 422, "platforms"),
                (["platforms": [["name": "P", "arch_list": "x86_64"]], "tasks": [["url": "u"]]], nil, 422, "arch_list"),
                (
                    ["platforms": [["name": "P", "arch_list": ["x86_64"]]], "tasks": [["url": "u", "ref_type": 9]]],
                    nil, 422, "ref_type"
                ),
                (nil, "{not json", 400, "JSON") as (Any?, String?, Int, String),
                (nil, "", 422, "body")
            ]
            for (json, raw, status, mention) in cases {
                let answer = try await h.call(.POST, "/api/v1/builds/", token: user, json: json, raw: raw)
                #expect(answer.status == status, "\(String(describing: json ?? raw as Any)): \(answer.text)")
                #expect(answer.detail?.lowercased().contains(mention.lowercased()) ?? false, "detail: \(answer.text)")
            }
            let builds = try await h.count("SELECT count(*) FROM builds")
            #expect(builds == 0)
            let refs = try await h.count("SELECT count(*) FROM build_task_refs")
            #expect(refs == 0)
            let notANumber = try await h.call(.GET, "/api/v1/builds/abc/", token: user)
            #expect(notANumber.status == 422)
            let missing = try await h.call(.GET, "/api/v1/builds/77/", token: user)
            #expect(missing.status == 404)
            #expect(missing.detail == ("Build 77 not found"))
            let noRoute = try await h.call(.GET, "/api/v1/nothing-here", token: user)
            #expect(noRoute.status == 404)
            #expect(noRoute.detail != nil)
        }
    }
}
