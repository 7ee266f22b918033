import Foundation
import HTTPTypes
import NIOHTTP1
import PostgresNIO
import Server
import Spec
import Store
import Testing

/// Roles from team files decide who may build and act on the owning team's platforms; an apply
/// of a changed team file moves the permission; a deactivated user's token is refused.
@Suite struct TeamAccessTests {
    /// Writes `team` as a reconcile apply does (`DesiredStateStore.apply`, then the engine's
    /// `afterApply`, which `kiln serve` points at the permission cache).
    static func apply(_ team: Team, _ h: RouterHarness, sha: String) async throws {
        try await DesiredStateStore(client: h.client).apply([.upsertTeam(team)], commitSHA: sha)
        h.access.invalidate()
    }

    static func buildBody(_ platform: String) -> [String: Any] {
        [
            "platforms": [["name": platform, "arch_list": ["x86_64"]]],
            "tasks": [["url": "https://git.example.org/rpms/hello.git", "git_ref": "main"]]
        ]
    }

    @Test func aTeamFileChangeMovesThePermission() async throws {
        try await RouterHarness.with { h in
            try await Fixtures.platform(h.client, name: "P", arches: ["x86_64"])
            try await Fixtures.platform(h.client, name: "Q", arches: ["x86_64"])
            let alice = try await h.userToken("alice")
            let bob = try await h.userToken("bob")
            // No team owns P yet: any user may build on it.
            #expect(try await h.call(.POST, "/api/v1/builds/", token: bob, json: Self.buildBody("P")).status == 200)

            try await Self.apply(
                Team(name: "core", members: [TeamMember(login: "alice", roles: [.contributor])], platforms: ["P"]), h,
                sha: "1111111")
            let refused = try await h.call(.POST, "/api/v1/builds/", token: bob, json: Self.buildBody("P"))
            #expect(refused.status == 403)
            #expect(refused.detail?.contains("contributor") == true, "\(refused.text)")
            #expect(try await h.call(.POST, "/api/v1/builds/", token: alice, json: Self.buildBody("P")).status == 200)
            // Q is nobody's: still open to bob.
            #expect(try await h.call(.POST, "/api/v1/builds/", token: bob, json: Self.buildBody("Q")).status == 200)

            // The file changes: bob in, alice out.
            try await Self.apply(
                Team(name: "core", members: [TeamMember(login: "bob", roles: [.contributor])], platforms: ["P"]), h,
                sha: "2222222")
            #expect(try await h.call(.POST, "/api/v1/builds/", token: alice, json: Self.buildBody("P")).status == 403)
            #expect(try await h.call(.POST, "/api/v1/builds/", token: bob, json: Self.buildBody("P")).status == 200)

            // The audit trail names the commits that wrote the team.
            let audit = try await h.call(.GET, "/api/v1/audit/?object=team:core", token: alice)
            #expect(audit.status == 200)
            #expect(audit.array.compactMap { $0["commit_sha"] as? String } == ["2222222", "1111111"])
            for bad in ["", ":", ":core", "te+am:core", "build%00:1"] {
                let answer = try await h.call(.GET, "/api/v1/audit/?object=\(bad)", token: alice)
                #expect(answer.status == 422, "object=\(bad): \(answer.status) \(answer.text)")
            }
        }
    }

    @Test func aManagerMayCancelAnyBuildOfTheTeamAContributorOnlyTheirOwn() async throws {
        try await RouterHarness.with { h in
            try await Fixtures.platform(h.client, name: "P", arches: ["x86_64"])
            let alice = try await h.userToken("alice")
            let bob = try await h.userToken("bob")
            let carol = try await h.userToken("carol")
            try await Self.apply(
                Team(
                    name: "core",
                    members: [
                        TeamMember(login: "alice", roles: [.contributor]),
                        TeamMember(login: "bob", roles: [.contributor]),
                        TeamMember(login: "carol", roles: [.manager])
                    ], platforms: ["P"]), h, sha: "1111111")
            let (id, _) = try await h.createBuild(token: alice, platform: "P")
            #expect(try await h.call(.PATCH, "/api/v1/builds/\(id)/cancel", token: bob).status == 403)
            #expect(try await h.call(.PATCH, "/api/v1/builds/\(id)/cancel", token: carol).status == 200)
            // Who did what, newest first: the refused cancel is not there.
            let audit = try await h.call(.GET, "/api/v1/audit/?object=build:\(id)", token: bob).array
            #expect(audit.compactMap { $0["action"] as? String } == ["cancel", "create"])
            #expect(audit.compactMap { $0["username"] as? String } == ["carol", "alice"])
        }
    }

    @Test func teamsAndRolesReadAsALBSAndWritesAnswerTheFile() async throws {
        try await RouterHarness.with { h in
            try await Fixtures.platform(h.client, name: "P", arches: ["x86_64"])
            let alice = try await h.userToken("alice")
            try await Self.apply(
                Team(
                    name: "core", members: [TeamMember(login: "alice", roles: [.manager, .contributor])],
                    platforms: ["P"]), h, sha: "1111111")
            let teams = try await h.call(.GET, "/api/v1/teams/")
            #expect(teams.status == 200)
            let team = try #require(teams.array.first)
            #expect(team["name"] as? String == "core")
            #expect((team["owner"] as? [String: Any])?["username"] as? String == "alice")
            #expect(team["platforms"] as? [String] == ["P"])
            let id = try #require(team["id"] as? Int)
            let page = try await h.call(.GET, "/api/v1/teams/?pageNumber=1")
            #expect(page.object["total_teams"] as? Int == 1)
            let far = try await h.call(.GET, "/api/v1/teams/?pageNumber=\(Int64.max)")
            #expect(far.status == 200)
            #expect((far.object["teams"] as? [Any])?.isEmpty == true)
            #expect(try await h.call(.GET, "/api/v1/teams/\(id)/").object["name"] as? String == "core")
            #expect(try await h.call(.GET, "/api/v1/teams/\(id + 1000)/").status == 404)
            let roles = try await h.call(.GET, "/api/v1/roles/", token: alice)
            #expect(
                roles.array.compactMap { $0["name"] as? String } == ["manager", "contributor", "signer", "releaser"])

            let users = try await h.call(.GET, "/api/v1/users/all_users", token: alice).array
            let aliceID = try #require(users.first { $0["username"] as? String == "alice" }?["id"] as? Int)
            #expect(
                try await h.call(.GET, "/api/v1/users/\(aliceID)/teams", token: alice).array.compactMap {
                    $0["name"] as? String
                } == ["core"])
            #expect(
                try await h.call(.GET, "/api/v1/users/\(aliceID)/roles", token: alice).array.compactMap {
                    $0["name"] as? String
                } == ["manager", "contributor"])

            let bob = try await UserStore(client: h.client).upsert(username: "bob", email: "", isSuperuser: false)
            let add = try await h.call(
                .POST, "/api/v1/teams/\(id)/members/add/", token: alice,
                json: [
                    "members_to_update": [
                        ["id": bob.id, "username": "bob", "email": "", "is_active": true, "is_superuser": false]
                    ]
                ])
            #expect(add.status == 409)
            #expect(add.object["file"] as? String == "teams/core.yml")
            let yaml = try #require(add.object["yaml"] as? String)
            #expect(yaml.contains("login: bob") && yaml.contains("- contributor"), "\(yaml)")
            let create = try await h.call(
                .POST, "/api/v1/teams/create/", token: alice, json: ["team_name": "infra", "user_id": aliceID])
            #expect(create.status == 409)
            #expect(create.object["action"] as? String == "create")
            #expect((create.object["yaml"] as? String)?.contains("name: infra") == true)
            let bad = try await h.call(.POST, "/api/v1/teams/create/", token: alice, json: ["team_name": "infra"])
            #expect(bad.status == 422)
            // Nothing was written by any of these.
            #expect(try await h.call(.GET, "/api/v1/teams/").array.count == 1)
        }
    }

    /// Every team-role rule of `RoutePermissions`, on a build of a platform a team owns: a user
    /// without the role (and not the creator) is refused 403; a user holding it is not.
    @Test func everyTeamRoleRuleRefusesOutsidersAndAdmitsTheRole() async throws {
        try await RouterHarness.with { h in
            try await Fixtures.platform(h.client, name: "P", arches: ["x86_64"])
            let creator = try await h.userToken("creator")
            let outsider = try await h.userToken("outsider")
            let holders: [TeamRole: String] = [
                .manager: try await h.userToken("manager"), .signer: try await h.userToken("signer"),
                .contributor: try await h.userToken("contributor"), .releaser: try await h.userToken("releaser")
            ]
            let (buildID, tasks) = try await h.createBuild(token: creator, platform: "P")
            let taskID = try #require(tasks.first)
            try await Self.apply(
                Team(
                    name: "core",
                    members: [
                        TeamMember(login: "creator", roles: [.contributor]),
                        TeamMember(login: "manager", roles: [.manager]),
                        TeamMember(login: "signer", roles: [.signer]),
                        TeamMember(login: "contributor", roles: [.contributor]),
                        TeamMember(login: "releaser", roles: [.releaser])
                    ], platforms: ["P"]), h, sha: "1111111")
            // Deleting last: the other rules still find the build.
            let rules = RoutePermissions.rules.filter {
                guard case .teamRole(_, let source, _) = $0.requirement else { return false }
                if case .signTask = source { return false }  // no sign task of an unfinished build
                return true
            }.sorted { a, b in a.method != .delete && b.method == .delete }
            #expect(rules.count >= 8)
            for rule in rules {
                guard case .teamRole(let role, let source, _) = rule.requirement else { continue }
                let method = HTTPMethod(rawValue: rule.method.rawValue)
                let path = rule.path.replacingOccurrences(of: "{build_id}", with: "\(buildID)")
                    .replacingOccurrences(of: "{build_task_id}", with: "\(taskID)")
                let body: [String: Any]? =
                    switch source {
                    case .bodyPlatforms: Self.buildBody("P")
                    case .bodyBuild: ["build_id": buildID, "sign_key_id": 1]
                    default: nil
                    }
                let refused = try await h.call(method, path, token: outsider, json: body)
                #expect(refused.status == 403, "\(rule.key) as an outsider: \(refused.status) \(refused.text)")
                let holder = try #require(holders[role])
                let admitted = try await h.call(method, path, token: holder, json: body)
                #expect(
                    ![401, 403].contains(admitted.status),
                    "\(rule.key) as a \(role.rawValue): \(admitted.status) \(admitted.text)")
            }
        }
    }

    @Test func aDeactivationIsAnnouncedOnTheRevocationChannel() async throws {
        try await RouterHarness.with { h in
            let admin = try await h.userToken("root", admin: true)
            _ = try await h.userToken("alice")
            let alice = try #require(try await UserStore(client: h.client).all().first { $0.username == "alice" })
            let payload = try await h.client.withConnection { connection in
                try await connection.listen(on: UserStore.revocationChannel) { notifications in
                    let removed = try await h.call(.DELETE, "/api/v1/users/\(alice.id)/remove", token: admin)
                    #expect(removed.status == 200)
                    return try await withThrowingTaskGroup(of: String?.self) { group in
                        group.addTask {
                            for try await notification in notifications { return notification.payload }
                            return nil
                        }
                        group.addTask {
                            try await Task.sleep(for: .seconds(10))
                            return nil
                        }
                        let first = try await group.next() ?? nil
                        group.cancelAll()
                        return first
                    }
                }
            }
            #expect(payload == "user:\(alice.id)")
        }
    }

    @Test func aDeactivatedUsersTokenIsRefusedAndTheRowKept() async throws {
        try await RouterHarness.with { h in
            let admin = try await h.userToken("root", admin: true)
            let alice = try await h.userToken("alice")
            let aliceID = try #require(
                try await h.call(.GET, "/api/v1/users/all_users", token: alice).array.first {
                    $0["username"] as? String == "alice"
                }?["id"] as? Int)
            #expect(try await h.call(.DELETE, "/api/v1/users/\(aliceID)/remove", token: alice).status == 403)
            #expect(try await h.call(.GET, "/api/v1/roles/", token: alice).status == 200)

            let removed = try await h.call(.DELETE, "/api/v1/users/\(aliceID)/remove", token: admin)
            #expect(removed.status == 200)
            #expect(removed.object["success"] as? Bool == true)
            #expect(try await h.call(.GET, "/api/v1/roles/", token: alice).status == 401)
            let row = try await UserStore(client: h.client).user(id: Int64(aliceID))
            #expect(row?.isActive == false)
            let audit = try await h.call(.GET, "/api/v1/audit/?object=user:\(aliceID)", token: admin).array
            #expect(audit.first?["action"] as? String == "deactivate")
            #expect(audit.first?["username"] as? String == "root")

            // Reactivated: the token works again.
            let put = try await h.call(.PUT, "/api/v1/users/\(aliceID)", token: admin, json: ["is_active": true])
            #expect(put.status == 200)
            #expect(try await h.call(.GET, "/api/v1/roles/", token: alice).status == 200)
            #expect(
                try await h.call(.PUT, "/api/v1/users/\(aliceID)", token: admin, json: ["id": aliceID + 1]).status
                    == 422)
        }
    }
}
