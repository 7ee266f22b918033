import Foundation
import NIOHTTP1
import PostgresNIO
import Server
import Spec
import Statuses
import Store
import Testing
import Yams

/// `/api/v1/releases` and the distribution add/remove routes: reads list and show what the
/// reconciler stored; writes check token, body and ids, then answer 409 with the git file to
/// add, edit or delete and its YAML, changing nothing in the database.
@Suite(.serialized) struct ReleaseRoutesTests {
    /// The placement the reconciler writes (issue 13), as fixture data.
    static let placement = """
        {"operation": "commit", "state": "committed",
         "repositories": [{"repository": "almalinux-9-baseos", "arch": "x86_64", "debug": false,
                           "store_repository": "almalinux-9-baseos-x86_64",
                           "packages": [{"nevra": "bash-5.1-1.el9.x86_64", "file_name": "bash-5.1-1.el9.x86_64.rpm",
                                         "build_id": 12, "artifact_id": 40, "reason": "reference"}]}],
         "refusals": [{"nevra": "bash-doc-5.1-1.el9.noarch", "file_name": "bash-doc-5.1-1.el9.noarch.rpm",
                       "build_id": 12, "reason": "unsigned"}],
         "skipped": []}
        """

    /// What the tests read: ids of the fixture rows and a user token.
    struct Seed {
        /// Platform ids (Int: they go into JSON bodies).
        var alma9: Int, alma8: Int
        var builds: [Int64]
        /// planned git release on AlmaLinux-9 (reference AlmaLinux-8), builds[0], packages incl. a skip.
        var planned: Int64
        /// committed git release on AlmaLinux-9 with a placement, builds[1], created by alice.
        var committed: Int64
        /// failed unnamed API release on AlmaLinux-8, builds[0] and builds[2].
        var api: Int64
        var token: String
    }

    static func seed(_ h: RouterHarness) async throws -> Seed {
        let alma9 = try await Fixtures.platform(h.client, name: "AlmaLinux-9", arches: ["x86_64"])
        let alma8 = try await Fixtures.platform(h.client, name: "AlmaLinux-8", arches: ["x86_64"])
        let token = try await h.userToken("alice")
        let alice = Int64(try await h.count("SELECT id FROM users WHERE username = 'alice'"))
        var builds: [Int64] = []
        for _ in 0..<3 {
            for try await id in try await h.client.query(
                "INSERT INTO builds (created_by) VALUES (\(alice)) RETURNING id"
            ).decode(Int64.self) { builds.append(id) }
        }
        func release(
            name: String?, status: ReleaseStatus, platform: Int64, reference: Int64?, plan: String, origin: String,
            state: String, placement: String?, createdBy: Int64?, builds: [Int64], committed: Bool = false
        ) async throws -> Int64 {
            var id: Int64 = 0
            let sha: String? = committed ? "c0ffee" : nil
            let author: String? = committed ? "Alice <alice@example.org>" : nil
            for try await value in try await h.client.query(
                """
                INSERT INTO releases (name, status, platform_id, reference_platform_id, plan, origin, commit_sha,
                                      created_by, desired_state, placement, committed_sha, committed_author,
                                      committed_at)
                VALUES (\(name), \(status.rawValue), \(platform), \(reference), \(plan)::jsonb, \(origin),
                        \(origin == "git" ? "abc123" : nil), \(createdBy), \(state), \(placement)::jsonb, \(sha),
                        \(author), CASE WHEN \(committed) THEN now() END)
                RETURNING id
                """
            ).decode(Int64.self) { id = value }
            for build in builds {
                try await h.client.query("INSERT INTO release_builds (release_id, build_id) VALUES (\(id), \(build))")
            }
            return id
        }
        let planned = try await release(
            name: "almalinux-9-bash", status: .scheduled, platform: alma9, reference: alma8,
            plan: """
                {"builds": [\(builds[0])], "packages": [
                  {"name": "bash", "arch": "x86_64", "repositories": ["almalinux-9-baseos"]},
                  {"name": "bash-doc", "arch": "noarch", "skip": true}]}
                """, origin: "git", state: "planned", placement: nil, createdBy: nil, builds: [builds[0]])
        let committed = try await release(
            name: "almalinux-9-committed", status: .completed, platform: alma9, reference: nil,
            plan: #"{"builds": [\#(builds[1])], "packages": []}"#, origin: "git", state: "committed",
            placement: placement, createdBy: alice, builds: [builds[1]], committed: true)
        let api = try await release(
            name: nil, status: .failed, platform: alma8, reference: nil, plan: "{}", origin: "api", state: "planned",
            placement: nil, createdBy: alice, builds: [builds[0], builds[2]])
        return Seed(
            alma9: Int(alma9), alma8: Int(alma8), builds: builds, planned: planned, committed: committed, api: api,
            token: token)
    }

    /// Every row the write routes could touch, as text.
    static func snapshot(_ client: PostgresClient) async throws -> [String] {
        var rows: [String] = []
        for table in ["releases", "release_builds", "release_units", "distributions", "distribution_builds", "builds"] {
            for try await text in try await client.query(
                PostgresQuery(unsafeSQL: "SELECT coalesce(json_agg(t ORDER BY t::text)::text, '[]') FROM \(table) t")
            ).decode(String.self) { rows.append("\(table) \(text)") }
        }
        return rows
    }

    /// The ids of a listing, in order.
    static func ids(_ list: [[String: Any]]) -> [Int64] {
        list.compactMap { ($0["id"] as? Int).map(Int64.init) }
    }

    @Test func listFiltersAndPages() async throws {
        let settings = ServerSettings(limits: RequestLimits(maxListItems: 14))
        try await RouterHarness.with(settings: settings) { h in
            let s = try await Self.seed(h)
            let all = try await h.call(.GET, "/api/v1/releases/")
            #expect(all.status == 200, "\(all.text)")
            #expect(Self.ids(all.array) == [s.api, s.committed, s.planned])
            #expect(
                Set(all.array.first?.keys.map { $0 } ?? []) == [
                    "id", "name", "status", "build_ids", "plan", "created_by", "platform", "reference_platform",
                    "origin", "commit_sha", "state", "operation", "committed", "reverted", "error", "created_at",
                    "updated_at"
                ])
            let typed = try WireJSON.decoder().decode([ReleaseAnswer].self, from: all.body)
            let planned = try #require(typed.first { $0.id == s.planned })
            #expect(planned.name == "almalinux-9-bash" && planned.status == .scheduled && planned.state == .planned)
            #expect(planned.platform.name == "AlmaLinux-9" && planned.referencePlatform?.name == "AlmaLinux-8")
            #expect(planned.buildIDs == [s.builds[0]] && planned.createdBy == nil && planned.committed == nil)
            #expect(planned.origin == .git && planned.commitSHA == "abc123")
            guard case .object(let plan) = planned.plan, case .array(let packages) = plan["packages"] else {
                Issue.record("plan is not the stored object: \(planned.plan)")
                return
            }
            #expect(packages.count == 2)
            let committed = try #require(typed.first { $0.id == s.committed })
            #expect(committed.state == .committed && committed.status == .completed)
            #expect(committed.committed?.sha == "c0ffee" && committed.committed?.author == "Alice <alice@example.org>")
            #expect(committed.committed?.at != nil && committed.reverted == nil)
            #expect(committed.createdBy?.username == "alice")
            let api = try #require(typed.first { $0.id == s.api })
            #expect(api.name == nil && api.origin == .api && api.buildIDs == [s.builds[0], s.builds[2]])
            #expect(all.array.first?["name"] is NSNull && all.array.first?["reference_platform"] is NSNull)

            // Filters.
            let byID = try await h.call(.GET, "/api/v1/releases/?platform_id=\(s.alma8)")
            #expect(Self.ids(byID.array) == [s.api], "\(byID.text)")
            let byName = try await h.call(.GET, "/api/v1/releases/?platform=AlmaLinux-9")
            #expect(Self.ids(byName.array) == [s.committed, s.planned], "\(byName.text)")
            let byStatus = try await h.call(.GET, "/api/v1/releases/?status=3")
            #expect(Self.ids(byStatus.array) == [s.committed], "\(byStatus.text)")
            let none = try await h.call(.GET, "/api/v1/releases/?status=1&platform_id=\(s.alma8)")
            #expect(none.status == 200 && none.array.isEmpty, "\(none.text)")
            for bad in ["platform_id=x", "platform_id=0", "status=9", "status=abc", "pageNumber=0", "pageNumber=x"] {
                let answer = try await h.call(.GET, "/api/v1/releases/?\(bad)")
                #expect(answer.status == 422, "\(bad): \(answer.text)")
                #expect(answer.detail?.isEmpty == false, "\(bad): a detail")
            }

            // Pages of 10, newest first; 15 releases.
            try await h.client.query(
                """
                INSERT INTO releases (name, status, platform_id, origin)
                SELECT 'bulk-' || i, \(ReleaseStatus.failed.rawValue), \(s.alma9), 'api' FROM generate_series(1, 12) i
                """)
            let first = try await h.call(.GET, "/api/v1/releases/?pageNumber=1")
            #expect(first.status == 200, "\(first.text)")
            let page = try WireJSON.decoder().decode(ReleasesPageAnswer.self, from: first.body)
            #expect(page.totalReleases == 15 && page.currentPage == 1 && page.releases.count == 10)
            #expect(page.releases.map(\.id) == page.releases.map(\.id).sorted(by: >))
            let second = try WireJSON.decoder().decode(
                ReleasesPageAnswer.self, from: try await h.call(.GET, "/api/v1/releases/?pageNumber=2").body)
            #expect(second.releases.count == 5 && second.currentPage == 2)
            #expect(second.releases.last?.id == s.planned)
            #expect(Set(page.releases.map(\.id)).isDisjoint(with: second.releases.map(\.id)))
            let beyond = try WireJSON.decoder().decode(
                ReleasesPageAnswer.self, from: try await h.call(.GET, "/api/v1/releases/?pageNumber=3").body)
            #expect(beyond.releases.isEmpty && beyond.totalReleases == 15)
            let failed = try WireJSON.decoder().decode(
                ReleasesPageAnswer.self,
                from: try await h.call(.GET, "/api/v1/releases/?pageNumber=2&status=4").body)
            #expect(failed.totalReleases == 13 && failed.releases.count == 3)
            // Without pageNumber, more than KILN_MAX_LIST_ITEMS (14 here) is refused; a filter that selects fewer is not.
            let capped = try await h.call(.GET, "/api/v1/releases/")
            #expect(capped.status == 422 && capped.detail?.contains("pageNumber") == true, "\(capped.text)")
            let filtered = try await h.call(.GET, "/api/v1/releases/?platform_id=\(s.alma9)&status=1")
            #expect(Self.ids(filtered.array) == [s.planned], "\(filtered.text)")
        }
    }

    @Test func detailShowsPlacementAndRefusals() async throws {
        try await RouterHarness.with { h in
            let s = try await Self.seed(h)
            let answer = try await h.call(.GET, "/api/v1/releases/\(s.committed)/")
            #expect(answer.status == 200, "\(answer.text)")
            let detail = try WireJSON.decoder().decode(ReleaseDetailAnswer.self, from: answer.body)
            #expect(detail.release.id == s.committed && detail.release.name == "almalinux-9-committed")
            let expected = try JSONDecoder().decode(JSONValue.self, from: Data(Self.placement.utf8))
            #expect(detail.placement == expected)
            #expect(detail.refusals.count == 1)
            #expect(
                detail.refusals.first
                    == .object([
                        "nevra": .string("bash-doc-5.1-1.el9.noarch"),
                        "file_name": .string("bash-doc-5.1-1.el9.noarch.rpm"),
                        "build_id": .int(12), "reason": .string("unsigned")
                    ]))
            let repositories = (answer.object["placement"] as? [String: Any])?["repositories"] as? [[String: Any]]
            let placed = repositories?.first?["packages"] as? [[String: Any]]
            #expect(placed?.first?["nevra"] as? String == "bash-5.1-1.el9.x86_64")

            let planned = try await h.call(.GET, "/api/v1/releases/\(s.planned)")
            #expect(planned.status == 200, "\(planned.text)")
            #expect(planned.object["placement"] is NSNull)
            #expect((planned.object["refusals"] as? [Any])?.isEmpty == true)
            #expect(planned.object["state"] as? String == "planned")

            let missing = try await h.call(.GET, "/api/v1/releases/999999/")
            #expect(missing.status == 404 && missing.detail?.contains("999999") == true, "\(missing.text)")
            let bad = try await h.call(.GET, "/api/v1/releases/abc/")
            #expect(bad.status == 422 && bad.detail?.contains("release_id") == true, "\(bad.text)")
        }
    }

    /// A 409 git change: its fields, the YAML parsed back (keys in file order), nothing changed.
    struct Change {
        var file: String
        var action: String
        var yaml: String?
        var detail: String
        var fields: [String: Any]
        var keys: [String]
    }

    @Test func releaseWritesAnswerTheFileToCommit() async throws {
        try await RouterHarness.with { h in
            let s = try await Self.seed(h)
            let before = try await Self.snapshot(h.client)
            @discardableResult
            func expect(
                _ method: HTTPMethod, _ path: String, token: String?, json: Any? = nil, raw: String? = nil,
                _ status: Int, _ detail: String? = nil, sourceLocation: Testing.SourceLocation = #_sourceLocation
            ) async throws -> Change? {
                let answer = try await h.call(method, path, token: token, json: json, raw: raw)
                #expect(answer.status == status, "\(method) \(path): \(answer.text)", sourceLocation: sourceLocation)
                let text = answer.detail ?? ""
                #expect(!text.isEmpty, "\(path): a detail", sourceLocation: sourceLocation)
                if let detail {
                    #expect(text.contains(detail), "\(text)", sourceLocation: sourceLocation)
                }
                #expect(
                    try await Self.snapshot(h.client) == before, "\(method) \(path) changed nothing",
                    sourceLocation: sourceLocation)
                guard status == 409 else { return nil }
                let yaml = answer.object["yaml"] as? String
                if let yaml {
                    #expect(text.hasSuffix(yaml), "the detail carries the YAML", sourceLocation: sourceLocation)
                }
                let fields = try yaml.flatMap { try Yams.load(yaml: $0) as? [String: Any] } ?? [:]
                let keys = try yaml.flatMap { try Yams.compose(yaml: $0)?.mapping?.keys.compactMap(\.string) } ?? []
                let change = Change(
                    file: answer.object["file"] as? String ?? "", action: answer.object["action"] as? String ?? "",
                    yaml: yaml, detail: text, fields: fields, keys: keys)
                #expect(text.contains(change.file), "the detail names the file", sourceLocation: sourceLocation)
                return change
            }
            let b = s.builds.map(Int.init)

            // POST /new/.
            let new = "/api/v1/releases/new/"
            let body: [String: Any] = ["builds": [b[1], b[0]], "platform_id": s.alma9, "reference_platform_id": s.alma8]
            try await expect(.POST, new, token: nil, json: body, 401)
            try await expect(.POST, new, token: s.token, raw: "{", 400)
            try await expect(.POST, new, token: s.token, json: [String: Any](), 422)
            try await expect(.POST, new, token: s.token, json: ["builds": [], "platform_id": s.alma9], 422, "builds")
            try await expect(.POST, new, token: s.token, json: ["builds": [0], "platform_id": s.alma9], 422, "builds")
            try await expect(
                .POST, new, token: s.token, json: ["builds": [b[0], b[0]], "platform_id": s.alma9], 422, "twice")
            try await expect(
                .POST, new, token: s.token, json: ["builds": [b[0]], "platform_id": -1], 422, "platform_id")
            try await expect(
                .POST, new, token: s.token, json: ["builds": [b[0]], "platform_id": 999_999], 404, "999999")
            try await expect(
                .POST, new, token: s.token,
                json: ["builds": [b[0]], "platform_id": s.alma9, "reference_platform_id": 999_999], 404, "999999")
            try await expect(
                .POST, new, token: s.token, json: ["builds": [b[0], 999_999], "platform_id": s.alma9], 404, "999999")
            let created = try #require(try await expect(.POST, new, token: s.token, json: body, 409))
            #expect(created.action == "create" && created.file == "releases/almalinux-9-release-\(b[1]).yml")
            #expect(created.keys == ["name", "platform", "reference_platform", "builds", "state"])
            #expect(created.fields["name"] as? String == "almalinux-9-release-\(b[1])")
            #expect(created.fields["platform"] as? String == "AlmaLinux-9")
            #expect(created.fields["reference_platform"] as? String == "AlmaLinux-8")
            #expect(created.fields["builds"] as? [Int] == [b[1], b[0]])
            #expect(created.fields["state"] as? String == "planned")
            #expect(created.detail.contains("add releases/almalinux-9-release-\(b[1]).yml"))

            // PUT /{id}/.
            let put = "/api/v1/releases/\(s.planned)/"
            let update: [String: Any] = [
                "builds": [b[0], b[2]],
                "plan": [
                    "packages": [["name": "bash", "arch": "x86_64", "repositories": ["almalinux-9-appstream"]]],
                    "albs_only_key": ["ignored": true]
                ]
            ]
            try await expect(.PUT, put, token: nil, json: update, 401)
            try await expect(.PUT, "/api/v1/releases/abc/", token: s.token, json: update, 422, "release_id")
            try await expect(.PUT, put, token: s.token, json: ["builds": "x"], 422)
            try await expect(.PUT, put, token: s.token, json: ["plan": ["packages": [["name": "bash"]]]], 422)
            try await expect(
                .PUT, put, token: s.token, json: ["plan": ["packages": [["name": "bash", "arch": "x86_64"]]]], 422,
                "repositories")
            try await expect(.PUT, "/api/v1/releases/999999/", token: s.token, json: update, 404, "999999")
            try await expect(.PUT, put, token: s.token, json: ["builds": [999_999]], 404, "999999")
            let edited = try #require(try await expect(.PUT, put, token: s.token, json: update, 409))
            #expect(edited.action == "edit" && edited.file == "releases/almalinux-9-bash.yml")
            #expect(edited.keys == ["name", "platform", "reference_platform", "builds", "packages", "state"])
            #expect(edited.fields["builds"] as? [Int] == [b[0], b[2]])
            let packages = edited.fields["packages"] as? [[String: Any]]
            #expect(packages?.count == 1)
            #expect(packages?.first?["repositories"] as? [String] == ["almalinux-9-appstream"])
            #expect(edited.fields["state"] as? String == "planned")
            // An empty body renders the file as stored (the skipped package kept).
            let current = try #require(try await expect(.PUT, put, token: s.token, json: [String: Any](), 409))
            let stored = current.fields["packages"] as? [[String: Any]]
            #expect(stored?.map { $0["name"] as? String } == ["bash", "bash-doc"])
            #expect(stored?.last?["skip"] as? Bool == true && stored?.last?["repositories"] == nil)
            #expect(current.fields["builds"] as? [Int] == [b[0]])

            // commit / revert.
            let commit = "/api/v1/releases/\(s.planned)/commit/"
            try await expect(.POST, commit, token: nil, 401)
            try await expect(.POST, "/api/v1/releases/abc/commit/", token: s.token, 422)
            try await expect(.POST, "/api/v1/releases/999999/commit/", token: s.token, 404)
            let committing = try #require(try await expect(.POST, commit, token: s.token, 409, "state: committed"))
            #expect(committing.action == "edit" && committing.fields["state"] as? String == "committed")
            #expect(committing.fields["name"] as? String == "almalinux-9-bash")
            try await expect(.POST, "/api/v1/releases/\(s.committed)/revert/", token: nil, 401)
            let reverting = try #require(
                try await expect(.POST, "/api/v1/releases/\(s.committed)/revert/", token: s.token, 409))
            #expect(reverting.action == "edit" && reverting.file == "releases/almalinux-9-committed.yml")
            #expect(reverting.fields["state"] as? String == "reverted")
            #expect(reverting.fields["builds"] as? [Int] == [b[1]])
            // A release made through the API has no file yet.
            let api = try #require(try await expect(.POST, "/api/v1/releases/\(s.api)/commit/", token: s.token, 409))
            #expect(api.action == "create" && api.file == "releases/release-\(s.api).yml")
            #expect(api.fields["platform"] as? String == "AlmaLinux-8" && api.fields["reference_platform"] == nil)
            #expect(api.fields["builds"] as? [Int] == [b[0], b[2]] && api.fields["state"] as? String == "committed")

            // DELETE /{id}/delete.
            try await expect(.DELETE, "/api/v1/releases/\(s.planned)/delete", token: nil, 401)
            try await expect(.DELETE, "/api/v1/releases/999999/delete", token: s.token, 404)
            let deleted = try #require(
                try await expect(.DELETE, "/api/v1/releases/\(s.planned)/delete", token: s.token, 409))
            #expect(deleted.action == "delete" && deleted.yaml == nil)
            #expect(deleted.detail.contains("delete releases/almalinux-9-bash.yml"))
            let kept = try #require(
                try await expect(
                    .DELETE, "/api/v1/releases/\(s.committed)/delete", token: s.token, 409, "cannot be deleted"))
            #expect(kept.action == "edit" && kept.fields["state"] as? String == "reverted")
            #expect(kept.detail.contains("state: reverted"))
        }
    }

    @Test func distributionAddAndRemoveAnswerTheFile() async throws {
        try await RouterHarness.with { h in
            let s = try await Self.seed(h)
            var distribution: Int64 = 0
            for try await id in try await h.client.query(
                "INSERT INTO distributions (name, commit_sha) VALUES ('almalinux', 'abc123') RETURNING id"
            ).decode(Int64.self) { distribution = id }
            try await h.client.query(
                """
                INSERT INTO distribution_platforms (distribution_id, platform_id)
                VALUES (\(distribution), \(s.alma9)), (\(distribution), \(s.alma8))
                """)
            try await h.client.query(
                "INSERT INTO distribution_builds (distribution_id, build_id) VALUES (\(distribution), \(s.builds[0]))")
            let before = try await Self.snapshot(h.client)
            let b = s.builds.map(Int.init)
            func call(
                _ path: String, token: String?, _ status: Int, sourceLocation: Testing.SourceLocation = #_sourceLocation
            ) async throws -> (answer: HTTPAnswer, fields: [String: Any]) {
                let answer = try await h.call(.POST, path, token: token)
                #expect(answer.status == status, "\(path): \(answer.text)", sourceLocation: sourceLocation)
                #expect(answer.detail?.isEmpty == false, "\(path): a detail", sourceLocation: sourceLocation)
                #expect(
                    try await Self.snapshot(h.client) == before, "\(path) changed nothing",
                    sourceLocation: sourceLocation)
                let yaml = answer.object["yaml"] as? String
                return (answer, try yaml.flatMap { try Yams.load(yaml: $0) as? [String: Any] } ?? [:])
            }
            _ = try await call("/api/v1/distributions/add/\(b[1])/almalinux/", token: nil, 401)
            _ = try await call("/api/v1/distributions/add/abc/almalinux/", token: s.token, 422)
            let unknown = try await call("/api/v1/distributions/add/\(b[1])/nope/", token: s.token, 404)
            #expect(unknown.answer.detail?.contains("nope") == true)
            let noBuild = try await call("/api/v1/distributions/remove/999999/almalinux/", token: s.token, 404)
            #expect(noBuild.answer.detail?.contains("999999") == true)

            let added = try await call("/api/v1/distributions/add/\(b[1])/almalinux/", token: s.token, 409)
            #expect(added.answer.object["file"] as? String == "distributions/almalinux.yml")
            #expect(added.answer.object["action"] as? String == "edit")
            #expect(added.fields["name"] as? String == "almalinux")
            #expect(added.fields["platforms"] as? [String] == ["AlmaLinux-9", "AlmaLinux-8"])
            #expect(added.fields["builds"] as? [Int] == [b[0], b[1]])
            #expect(added.answer.detail?.contains("edit distributions/almalinux.yml") == true)

            let again = try await call("/api/v1/distributions/add/\(b[0])/almalinux/", token: s.token, 409)
            #expect(again.answer.detail?.contains("already") == true, "\(again.answer.text)")
            #expect(again.fields["builds"] as? [Int] == [b[0]])

            let removed = try await call("/api/v1/distributions/remove/\(b[0])/almalinux/", token: s.token, 409)
            #expect(removed.fields["builds"] as? [Int] == [])
            #expect(removed.fields["platforms"] as? [String] == ["AlmaLinux-9", "AlmaLinux-8"])
            let absent = try await call("/api/v1/distributions/remove/\(b[2])/almalinux/", token: s.token, 409)
            #expect(absent.answer.detail?.contains("is not in") == true, "\(absent.answer.text)")
            #expect(absent.fields["builds"] as? [Int] == [b[0]])
        }
    }
}
