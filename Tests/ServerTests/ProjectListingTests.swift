import Foundation
import Hummingbird
import NIOConcurrencyHelpers
import NIOHTTP1
import PostgresNIO
import Server
import Store
import Testing

/// Issue 14, projects: `GET /api/v1/projects/alma` and `/alma/modularity` list the configured
/// Gitea organizations from the PostgreSQL cache; the background refresh reads Gitea again only
/// once the listing is older than the TTL, and only the tags and branches of changed repositories.
@Suite struct ProjectListingTests {
    struct Repo: Sendable {
        var name: String
        var tags: [String]
        var branches: [String]
        var updatedAt: String
        var empty = false
    }

    struct Forge: Sendable {
        var organizations: [String: [Repo]] = [:]
        /// Requests served, by path.
        var requests: [String] = []
    }

    /// Gitea's `orgs/{org}/repos`, `repos/{owner}/{repo}/tags` and `/branches`, paginated.
    static func fakeGitea(
        _ forge: NIOLockedValueBox<Forge>, base: NIOLockedValueBox<String>
    )
        -> Router<BasicRequestContext>
    {
        let router = Router()
        router.get("/api/v1/orgs/:org/repos") { request, context -> Response in
            let org = context.parameters.get("org") ?? ""
            let repos = forge.withLockedValue { state in
                state.requests.append(request.uri.path)
                return state.organizations[org] ?? []
            }
            let url = base.withLockedValue { $0 }
            return try EdgeServer.json(
                Self.page(repos, request).map { repo in
                    [
                        "name": repo.name, "full_name": "\(org)/\(repo.name)", "empty": repo.empty,
                        "clone_url": "\(url)/\(org)/\(repo.name).git", "updated_at": repo.updatedAt
                    ] as [String: Any]
                })
        }
        for kind in ["tags", "branches"] {
            router.get("/api/v1/repos/:org/:repo/\(kind)") { request, context -> Response in
                let (org, name) = (context.parameters.get("org") ?? "", context.parameters.get("repo") ?? "")
                let repo = forge.withLockedValue { state in
                    state.requests.append(request.uri.path)
                    return state.organizations[org]?.first { $0.name == name }
                }
                let names = kind == "tags" ? repo?.tags ?? [] : repo?.branches ?? []
                return try EdgeServer.json(Self.page(names, request).map { ["name": $0] })
            }
        }
        return router
    }

    /// Makes every cached listing two hours old: past the tests' one-hour TTL.
    static func age(_ h: RouterHarness) async throws {
        try await h.client.query("UPDATE forge_project_refreshes SET refreshed_at = refreshed_at - interval '2 hours'")
    }

    /// Gitea's `page` and `limit` (30 by default).
    static func page<T>(_ items: [T], _ request: Request) -> [T] {
        let limit = Int(request.uri.queryParameters["limit"].map(String.init) ?? "30") ?? 30
        let number = Int(request.uri.queryParameters["page"].map(String.init) ?? "1") ?? 1
        return Array(items.dropFirst(max(0, number - 1) * limit).prefix(max(0, limit)))
    }

    @Test func listingIsServedFromTheCacheAndRefreshedAfterTheTTL() async throws {
        let many = (1...60).map {
            Repo(name: String(format: "pkg-%02d", $0), tags: [], branches: ["c9"], updatedAt: "t0")
        }
        let forge = NIOLockedValueBox(
            Forge(organizations: [
                "rpms": [
                    Repo(name: "bash", tags: ["imports/c9/bash-5.1"], branches: ["c9", "a9"], updatedAt: "t1"),
                    Repo(name: "empty-one", tags: [], branches: [], updatedAt: "t1", empty: true)
                ] + many,
                "modules": [Repo(name: "nodejs", tags: ["v18"], branches: ["c9-stream-18"], updatedAt: "t1")]
            ]))
        let base = NIOLockedValueBox("")
        try await EdgeServer.with(Self.fakeGitea(forge, base: base)) { url in
            base.withLockedValue { $0 = url }
            var settings = ServerSettings()
            settings.projects = ProjectSettings(giteaURL: url, ttl: .seconds(3600))
            try await RouterHarness.with(settings: settings) { h in
                let token = try await h.userToken("packager")
                #expect(try await h.call(.GET, "/api/v1/projects/alma").status == 401)
                let before = try await h.call(.GET, "/api/v1/projects/alma", token: token)
                #expect(before.status == 200)
                #expect(before.array.isEmpty)

                let refresher = ProjectRefresher(
                    ServerDependencies(
                        database: h.client, artifactStore: h.store, tokens: h.tokens, settings: h.settings))
                #expect(await refresher.refreshDue() == ["rpms", "modules"])
                let rpms = try await h.call(.GET, "/api/v1/projects/alma", token: token)
                #expect(rpms.array.count == 61)  // 60 + bash, past one page; the empty repository left out
                let bash = try #require(rpms.array.first { $0["name"] as? String == "bash" })
                #expect(bash["clone_url"] as? String == "\(url)/rpms/bash.git")
                #expect(bash["tags"] as? [String] == ["imports/c9/bash-5.1"])
                #expect(bash["branches"] as? [String] == ["c9", "a9"])
                #expect(Set(bash.keys) == ["name", "clone_url", "tags", "branches"])
                let modules = try await h.call(.GET, "/api/v1/projects/alma/modularity", token: token)
                #expect(modules.array.map { $0["name"] as? String } == ["nodejs"])

                // Gitea moves on: bash gets a tag, a repository appears. Before the TTL nothing is
                // read from Gitea, and the answer is the cached one.
                forge.withLockedValue { state in
                    state.organizations["rpms"]?[0].tags.append("imports/c9/bash-5.2")
                    state.organizations["rpms"]?[0].updatedAt = "t2"
                    state.organizations["rpms"]?.append(
                        Repo(name: "zsh", tags: ["z1"], branches: ["c9"], updatedAt: "t2"))
                    state.requests = []
                }
                #expect(await refresher.refreshDue() == [])
                let cached = try await h.call(.GET, "/api/v1/projects/alma", token: token)
                #expect(cached.array.count == 61)
                #expect(forge.withLockedValue { $0.requests }.isEmpty)

                // After the TTL the refresh reads the listing, and the tags and branches of the
                // changed and new repositories only.
                try await Self.age(h)  // the TTL passes
                #expect(await refresher.refreshDue() == ["rpms", "modules"])
                let fresh = try await h.call(.GET, "/api/v1/projects/alma", token: token)
                #expect(fresh.array.count == 62)
                let bash2 = try #require(fresh.array.first { $0["name"] as? String == "bash" })
                #expect(bash2["tags"] as? [String] == ["imports/c9/bash-5.1", "imports/c9/bash-5.2"])
                let read = forge.withLockedValue { $0.requests }
                #expect(read.contains("/api/v1/repos/rpms/zsh/tags"))
                #expect(read.contains("/api/v1/repos/rpms/bash/branches"))
                #expect(!read.contains("/api/v1/repos/rpms/pkg-01/tags"))

                // One process at a time: a claimed organization is not claimed again.
                try await Self.age(h)
                let store = ForgeProjectStore(client: h.client)
                #expect(try await store.claimRefresh(of: "rpms", ttl: .seconds(3600), lease: .seconds(60)))
                #expect(try await !store.claimRefresh(of: "rpms", ttl: .seconds(3600), lease: .seconds(60)))
                #expect(await refresher.refreshDue() == ["modules"])
            }
        }
    }

    /// Without `KILN_GITEA_URL` the service idles until shutdown (a service that ends early
    /// would stop `kiln serve`), and the routes answer empty lists.
    @Test func withoutGiteaTheRefresherIdlesUntilShutdown() async throws {
        try await RouterHarness.with { h in
            let token = try await h.userToken("packager")
            let empty = try await h.call(.GET, "/api/v1/projects/alma/modularity", token: token)
            #expect(empty.status == 200)
            #expect(empty.array.isEmpty)
            let refresher = ProjectRefresher(
                ServerDependencies(database: h.client, artifactStore: h.store, tokens: h.tokens, settings: h.settings))
            let ended = NIOLockedValueBox(false)
            let task = Task {
                try await refresher.run()
                ended.withLockedValue { $0 = true }
            }
            try await Task.sleep(for: .milliseconds(300))
            #expect(!ended.withLockedValue { $0 })
            task.cancel()
            try await task.value
            #expect(ended.withLockedValue { $0 })
        }
    }

    @Test func aGiteaOutageKeepsTheCachedListing() async throws {
        let forge = NIOLockedValueBox(
            Forge(organizations: ["rpms": [Repo(name: "bash", tags: ["t"], branches: ["c9"], updatedAt: "t1")]]))
        let base = NIOLockedValueBox("")
        try await EdgeServer.with(Self.fakeGitea(forge, base: base)) { url in
            base.withLockedValue { $0 = url }
            var settings = ServerSettings()
            settings.projects = ProjectSettings(giteaURL: url, ttl: .seconds(3600))
            try await RouterHarness.with(settings: settings) { h in
                let token = try await h.userToken("packager")
                let refresher = ProjectRefresher(
                    ServerDependencies(
                        database: h.client, artifactStore: h.store, tokens: h.tokens, settings: h.settings))
                #expect(await refresher.refreshDue() == ["rpms", "modules"])
                var broken = h.settings
                broken.projects.giteaURL = "http://127.0.0.1:9"  // nothing listens there
                let failing = ProjectRefresher(
                    ServerDependencies(database: h.client, artifactStore: h.store, tokens: h.tokens, settings: broken))
                try await Self.age(h)
                #expect(await failing.refreshDue() == [])
                let still = try await h.call(.GET, "/api/v1/projects/alma", token: token)
                #expect(still.array.map { $0["name"] as? String } == ["bash"])
                #expect(
                    try await h.count(
                        "SELECT count(*) FROM forge_project_refreshes WHERE organization = 'rpms' AND last_error IS NOT NULL"
                    )
                        == 1)
            }
        }
    }
}
