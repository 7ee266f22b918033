import Artifacts
import AsyncHTTPClient
import Foundation
import GitSource
import Hummingbird
import KilnTestSupport
import Logging
import NIOCore
import NIOHTTP1
import PostgresNIO
import Reconciler
import Server
import ServiceLifecycle
import Statuses
import Store
import XCTest

/// A live Kiln server over a fresh database, with a reconcile loop reading a temporary git
/// repository that holds a copy of `examples/` under `examples/` (branch `main`).
struct DesiredStateHarness: LiveServer {
    let client: PostgresClient
    let port: Int
    let tokens: TokenAuthority
    let repo: TestGitRepository
    let loop: ReconcileLoop
    /// The commit holding the examples.
    let initialSHA: String

    static let jwtSecret = Array("kiln-desired-state-test-secret-0123456789".utf8)
    static let webhookSecret = Array("webhook-secret-for-tests".utf8)

    static let logger: Logger = {
        var logger = Logger(label: "kiln.test.desired-state")
        logger.logLevel = .critical
        return logger
    }()

    /// The repository's `examples/` folder.
    static var examples: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("examples").path
    }

    /// Runs `body` against a live server. `runLoop` also runs the loop as a service (it
    /// reconciles once at start, then on triggers); `withLoop: false` configures no loop.
    static func with(
        runLoop: Bool = false, withLoop: Bool = true, webhookSecret: [UInt8]? = webhookSecret,
        _ body: @Sendable (DesiredStateHarness) async throws -> Void
    ) async throws {
        let repo = try TestGitRepository.make()
        defer { repo.delete() }
        try repo.copy(contentsOf: examples, to: "examples")
        let sha = try repo.commit("examples")
        let storeRoot = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent(
            "kiln-ds-store-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: storeRoot) }
        let tokens = try await TokenAuthority(secret: jwtSecret)
        try await TestDatabase.with { client, _ in
            let store = LocalArtifactStore(root: storeRoot)
            let engine = ReconcileEngine(
                database: PostgresStateDatabase(client: client, logger: logger), store: store,
                logger: logger)
            let loop = ReconcileLoop(
                engine: engine, source: .local(try GitRepository(path: repo.path), ref: "main"),
                subdirectory: "examples", interval: .seconds(3600), logger: logger)
            var dependencies = ServerDependencies(
                database: client, artifactStore: store, tokens: tokens, logger: logger,
                desiredStateSource: DesiredStateSource(repository: repo.path, path: "examples", ref: "main"))
            if withLoop { dependencies.reconcileLoop = loop }
            dependencies.webhooks = WebhookSettings(secret: webhookSecret)
            let services: [any Service] = runLoop ? [loop] : []
            try await runLiveServer(dependencies, services: services, logger: logger) { port in
                try await body(
                    DesiredStateHarness(
                        client: client, port: port, tokens: tokens, repo: repo, loop: loop,
                        initialSHA: sha))
            }
        }
    }

    /// A token of `scope` for a new user row (node tokens carry no user).
    func token(_ scope: AuthScope, name: String = "alice") async throws -> String {
        if scope == .node { return try await tokens.issue(KilnClaims(sub: name, scope: .node)) }
        let user = try await UserStore(client: client).upsert(
            username: name, email: "\(name)@example.org",
            isSuperuser: scope == .admin)
        return try await tokens.issue(KilnClaims(sub: name, scope: scope, uid: user.id))
    }

    /// Applies the repository's `main` now (as the CLI would).
    @discardableResult
    func apply() async throws -> ReconcileResult {
        guard let result = await loop.reconcileNow(trigger: "cli") else {
            throw HarnessError(description: "reconcile failed: \(await loop.lastError ?? "?")")
        }
        return result
    }
}

/// The ALBS read endpoints serve what an apply of examples/ wrote, with its commit SHA.
final class DesiredStateTests: XCTestCase {
    func testReadsServeAppliedExamplesWithCommitSHA() async throws {
        try await DesiredStateHarness.with { h in
            let applied = try await h.apply()
            XCTAssertEqual(applied.result, .applied)
            let user = try await h.token(.user)

            // Platforms: public, like ALBS.
            let platforms = try await h.call(.GET, "/api/v1/platforms/")
            XCTAssertEqual(platforms.status, 200, platforms.text)
            XCTAssertEqual(
                platforms.array.compactMap { $0["name"] as? String }.sorted(), ["AlmaLinux-8", "AlmaLinux-9"])
            let alma9 = try XCTUnwrap(platforms.array.first { $0["name"] as? String == "AlmaLinux-9" })
            XCTAssertEqual(alma9["commit_sha"] as? String, h.initialSHA)
            XCTAssertEqual(alma9["origin"] as? String, "git")
            XCTAssertEqual(alma9["type"] as? String, "rpm")
            XCTAssertEqual(alma9["distr_type"] as? String, "rhel")
            XCTAssertEqual(alma9["distr_version"] as? String, "9")
            XCTAssertEqual(alma9["test_dist_name"] as? String, "almalinux")
            XCTAssertEqual(alma9["arch_list"] as? [String], ["x86_64", "aarch64", "ppc64le", "s390x", "i686"])
            let data = try XCTUnwrap(alma9["data"] as? [String: Any])
            XCTAssertEqual((data["definitions"] as? [String: Any])?["dist"] as? String, ".el9")
            let repos = try XCTUnwrap(alma9["repos"] as? [[String: Any]])
            XCTAssertFalse(repos.isEmpty)
            XCTAssertTrue(repos.allSatisfy { $0["commit_sha"] as? String == h.initialSHA })
            XCTAssertTrue(repos.contains { $0["debug"] as? Bool == true }, "debug variants are listed")
            XCTAssertTrue(repos.allSatisfy { $0["id"] is Int && $0["url"] is String && $0["arch"] is String })

            // Distributions: public, with their platforms.
            let distributions = try await h.call(.GET, "/api/v1/distributions/")
            XCTAssertEqual(distributions.status, 200, distributions.text)
            XCTAssertEqual(distributions.array.count, 1)
            let almalinux = try XCTUnwrap(distributions.array.first)
            XCTAssertEqual(almalinux["name"] as? String, "almalinux")
            XCTAssertEqual(almalinux["commit_sha"] as? String, h.initialSHA)
            let members = (almalinux["platforms"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
            XCTAssertEqual(members.sorted(), ["AlmaLinux-8", "AlmaLinux-9"])

            // Repositories: a user token, 404/422 with details.
            let anonymous = try await h.call(.GET, "/api/v1/repositories/")
            XCTAssertEqual(anonymous.status, 401)
            XCTAssertNotNil(anonymous.detail)
            let repositories = try await h.call(.GET, "/api/v1/repositories/", token: user)
            XCTAssertEqual(repositories.status, 200, repositories.text)
            let epel = try XCTUnwrap(repositories.array.first { $0["name"] as? String == "epel-9" })
            XCTAssertEqual(epel["arch"] as? String, "x86_64")
            XCTAssertEqual(epel["url"] as? String, "https://dl.fedoraproject.org/pub/epel/9/Everything/x86_64/")
            XCTAssertEqual(epel["production"] as? Bool, false)
            XCTAssertEqual(epel["commit_sha"] as? String, h.initialSHA)
            XCTAssertTrue(epel.keys.contains("pulp_href"))
            let epelID = try XCTUnwrap(epel["id"] as? Int)
            let one = try await h.call(.GET, "/api/v1/repositories/\(epelID)/", token: user)
            XCTAssertEqual(one.status, 200, one.text)
            XCTAssertEqual(one.object["name"] as? String, "epel-9")
            XCTAssertEqual(one.object["id"] as? Int, epelID)
            // sync from upstream (issue 12): the schedule, then the last recorded sync
            let schedule = try XCTUnwrap(one.object["sync"] as? [String: Any], one.text)
            XCTAssertEqual(schedule["interval"] as? String, "6h")
            XCTAssertEqual(schedule["policy"] as? String, "on_demand")
            XCTAssertTrue(schedule["last_sync"] is NSNull, one.text)
            let production = try XCTUnwrap(repositories.array.first { $0["production"] as? Bool == true })
            XCTAssertTrue(production["sync"] is NSNull, "\(production)")
            let syncs = RepositorySyncStore(client: h.client)
            let syncID = try await syncs.start(
                storeRepository: "epel-9-x86_64",
                remoteURL: "https://dl.fedoraproject.org/pub/epel/9/Everything/x86_64/",
                policy: "on_demand", reason: "new remote", commitSHA: h.initialSHA)
            try await syncs.finish(
                syncID, .success(RepositorySyncOutcome(added: 3, removed: 0, present: 3, newVersion: true)))
            let synced = try await h.call(.GET, "/api/v1/repositories/\(epelID)/", token: user)
            let last = try XCTUnwrap(
                (synced.object["sync"] as? [String: Any])?["last_sync"] as? [String: Any], synced.text)
            XCTAssertEqual(last["status"] as? String, "completed")
            XCTAssertEqual(last["reason"] as? String, "new remote")
            XCTAssertEqual(last["added"] as? Int, 3)
            XCTAssertEqual(last["present"] as? Int, 3)
            XCTAssertNotNil(last["duration_ms"] as? Int)
            XCTAssertTrue(last["error"] is NSNull)
            XCTAssertEqual(last["commit_sha"] as? String, h.initialSHA)
            let listed = try await h.call(.GET, "/api/v1/repositories/", token: user)
            let listedEpel = try XCTUnwrap(listed.array.first { $0["name"] as? String == "epel-9" })
            XCTAssertEqual(
                ((listedEpel["sync"] as? [String: Any])?["last_sync"] as? [String: Any])?["status"] as? String,
                "completed")

            let missing = try await h.call(.GET, "/api/v1/repositories/987654/", token: user)
            XCTAssertEqual(missing.status, 404)
            XCTAssertEqual(missing.detail, "Repository 987654 not found")
            let garbage = try await h.call(.GET, "/api/v1/repositories/abc/", token: user)
            XCTAssertEqual(garbage.status, 422)
            XCTAssertEqual(garbage.detail, "repository_id must be a positive integer, got 'abc'")

            // Sign keys: a user token.
            let v1 = try await h.call(.GET, "/api/v1/sign-keys/")
            XCTAssertEqual(v1.status, 401)
            let keys = try await h.call(.GET, "/api/v1/sign-keys/", token: user)
            XCTAssertEqual(keys.status, 200, keys.text)
            XCTAssertEqual(keys.array.compactMap { $0["keyid"] as? String }.sorted(), ["D36CB86CB86B3716"])
            let key9 = try XCTUnwrap(keys.array.first { $0["name"] as? String == "almalinux-9" })
            // what git declares: active, not archived, allowed for AlmaLinux-9 only
            let alma9ID = try await h.count("SELECT id FROM platforms WHERE name = 'AlmaLinux-9'")
            XCTAssertEqual(key9["active"] as? Bool, true)
            XCTAssertTrue(key9["archived"] is NSNull, keys.text)
            XCTAssertEqual(key9["platform_ids"] as? [Int], [alma9ID])
            XCTAssertEqual(key9["platform_id"] as? Int, alma9ID)
            XCTAssertEqual(key9["fingerprint"] as? String, "BF18AC2876178908D6E71267D36CB86CB86B3716")
            XCTAssertEqual(
                key9["public_url"] as? String, "https://repo.almalinux.org/almalinux/RPM-GPG-KEY-AlmaLinux-9")
            XCTAssertEqual(key9["commit_sha"] as? String, h.initialSHA)
            XCTAssertNotNil(key9["inserted"] as? String)
            XCTAssertNotNil(key9["description"] as? String)
        }
    }

    /// ALBS writes answer 409 naming the git file to edit, after validating the body; nothing changes.
    func testWritesAnswerConflictAndChangeNothing() async throws {
        try await DesiredStateHarness.with { h in
            try await h.apply()
            let user = try await h.token(.user)
            let before = try await h.call(.GET, "/api/v1/platforms/").text
            let keysBefore = try await h.call(.GET, "/api/v1/sign-keys/", token: user).text
            let distributionsBefore = try await h.call(.GET, "/api/v1/distributions/").text
            let rowsBefore = try await h.count(
                "SELECT (SELECT count(*) FROM platforms) + (SELECT count(*) FROM repositories) + (SELECT count(*) FROM platform_repositories) + (SELECT count(*) FROM sign_keys) + (SELECT count(*) FROM distributions)"
            )
            let platformID = try await h.count("SELECT id FROM platforms WHERE name = 'AlmaLinux-9'")
            let keyID = try await h.count("SELECT id FROM sign_keys WHERE name = 'almalinux-9'")

            let platform: [String: Any] = [
                "name": "Fancy-1", "type": "rpm", "distr_type": "rhel", "distr_version": "1", "test_dist_name": "fancy",
                "arch_list": ["x86_64"], "data": ["mock": [:]],
                "repos": [["name": "BaseOS", "arch": "x86_64", "url": "https://example.org/", "type": "rpm"]]
            ]
            // no token
            let v2 = try await h.call(.POST, "/api/v1/platforms/", json: platform)
            XCTAssertEqual(v2.status, 401)
            // garbage first: 400 malformed, 422 wrong shape with the field
            let malformed = try await h.call(.POST, "/api/v1/platforms/", token: user, raw: "{not json")
            XCTAssertEqual(malformed.status, 400)
            var wrong = platform
            wrong["type"] = "zip"
            let wrongType = try await h.call(.POST, "/api/v1/platforms/", token: user, json: wrong)
            XCTAssertEqual(wrongType.status, 422)
            XCTAssertTrue(wrongType.detail?.contains("type") == true, wrongType.text)
            var missingField = platform
            missingField["arch_list"] = nil
            let missingAnswer = try await h.call(.POST, "/api/v1/platforms/", token: user, json: missingField)
            XCTAssertEqual(missingAnswer.status, 422)
            XCTAssertEqual(missingAnswer.detail, "Field required: arch_list")

            let created = try await h.call(.POST, "/api/v1/platforms/", token: user, json: platform)
            XCTAssertEqual(created.status, 409, created.text)
            XCTAssertTrue(
                created.detail?.contains("platforms are managed in git: edit examples/platforms/Fancy-1.yml") == true,
                created.text)
            XCTAssertTrue(created.detail?.contains(h.repo.path) == true, created.text)

            let modified = try await h.call(
                .PUT, "/api/v1/platforms/", token: user, json: ["name": "AlmaLinux-9", "arch_list": ["x86_64"]])
            XCTAssertEqual(modified.status, 409, modified.text)
            XCTAssertTrue(modified.detail?.contains("examples/platforms/AlmaLinux-9.yml") == true, modified.text)
            let v3 = try await h.call(.PUT, "/api/v1/platforms/", token: user, json: ["arch_list": ["x86_64"]])
            XCTAssertEqual(v3.status, 422)

            for action in ["add-repositories", "remove-repositories"] {
                let answer = try await h.call(
                    .PATCH, "/api/v1/platforms/\(platformID)/\(action)", token: user, json: [1, 2])
                XCTAssertEqual(answer.status, 409, answer.text)
                XCTAssertTrue(answer.detail?.contains("AlmaLinux-9.yml") == true, answer.text)
                let v4 = try await h.call(.PATCH, "/api/v1/platforms/x/\(action)", token: user, json: [1])
                XCTAssertEqual(v4.status, 422)
                let v5 = try await h.call(.PATCH, "/api/v1/platforms/\(platformID)/\(action)", token: user, json: ["a"])
                XCTAssertEqual(v5.status, 422)
                let absent = try await h.call(.PATCH, "/api/v1/platforms/99999/\(action)", token: user, json: [1])
                XCTAssertEqual(absent.status, 404)
                XCTAssertEqual(absent.detail, "Platform 99999 not found")
            }

            let distribution = try await h.call(
                .POST, "/api/v1/distributions/", token: user,
                json: ["name": "fancy", "platforms": ["AlmaLinux-9"]])
            XCTAssertEqual(distribution.status, 409, distribution.text)
            XCTAssertTrue(distribution.detail?.contains("examples/distributions/fancy.yml") == true, distribution.text)
            let nested = try await h.call(
                .POST, "/api/v1/distributions/", token: user,
                json: ["distribution": ["name": "fancy", "platforms": ["AlmaLinux-9"]]])
            XCTAssertEqual(nested.status, 409, nested.text)
            let v6 = try await h.call(.POST, "/api/v1/distributions/", token: user, json: ["name": "fancy"])
            XCTAssertEqual(v6.status, 422)

            let key: [String: Any] = [
                "name": "fancy", "description": "d", "keyid": "0123456789ABCDEF",
                "fingerprint": "0123456789ABCDEF0123456789ABCDEF01234567", "public_url": "https://k"
            ]
            let newKey = try await h.call(.POST, "/api/v1/sign-keys/new/", token: user, json: key)
            XCTAssertEqual(newKey.status, 409, newKey.text)
            XCTAssertTrue(
                newKey.detail?.contains("sign keys are managed in git: edit examples/sign-keys/fancy.yml") == true,
                newKey.text)
            var noFingerprint = key
            noFingerprint["fingerprint"] = nil
            let badKey = try await h.call(.POST, "/api/v1/sign-keys/new/", token: user, json: noFingerprint)
            XCTAssertEqual(badKey.status, 422)
            XCTAssertEqual(badKey.detail, "Field required: fingerprint")
            let putKey = try await h.call(.PUT, "/api/v1/sign-keys/\(keyID)/", token: user, json: ["description": "x"])
            XCTAssertEqual(putKey.status, 409, putKey.text)
            XCTAssertTrue(putKey.detail?.contains("examples/sign-keys/almalinux-9.yml") == true, putKey.text)
            let v7 = try await h.call(.PUT, "/api/v1/sign-keys/424242/", token: user, json: ["description": "x"])
            XCTAssertEqual(v7.status, 404)
            let v8 = try await h.call(.PUT, "/api/v1/sign-keys/\(keyID)/", token: user, json: ["description": 7])
            XCTAssertEqual(v8.status, 422)

            // nothing changed
            let v9 = try await h.call(.GET, "/api/v1/platforms/")
            XCTAssertEqual(v9.text, before)
            let v10 = try await h.call(.GET, "/api/v1/sign-keys/", token: user)
            XCTAssertEqual(v10.text, keysBefore)
            let v11 = try await h.call(.GET, "/api/v1/distributions/")
            XCTAssertEqual(v11.text, distributionsBefore)
            let rowsAfter = try await h.count(
                "SELECT (SELECT count(*) FROM platforms) + (SELECT count(*) FROM repositories) + (SELECT count(*) FROM platform_repositories) + (SELECT count(*) FROM sign_keys) + (SELECT count(*) FROM distributions)"
            )
            XCTAssertEqual(rowsAfter, rowsBefore)
        }
    }
}
