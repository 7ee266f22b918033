import Artifacts
import Foundation
import KilnTestSupport
import NIOHTTP1
import Server
import Store

/// A harness the build and build-node tests drive: HTTP, tokens, the artifact store nodes upload to.
protocol BuildHarness: HTTPCaller {
    var tokens: TokenAuthority { get }
    var store: any ArtifactStore { get }
    var settings: ServerSettings { get }
    var clock: ManualLeaseClock { get }
}

extension BuildHarness {
    /// An import worker over this harness's database and store (or `store`), as `kiln serve` runs it.
    func importWorker(store: (any ArtifactStore)? = nil, settings: ServerSettings? = nil) -> BuildImportWorker {
        BuildImportWorker(
            database: client, store: store ?? self.store, settings: settings ?? self.settings,
            logger: ServerHarness.logger)
    }

    /// Runs the import queue in the test process until the task's recorded result is imported
    /// (polling: a concurrent worker may hold the job); throws if it stays pending.
    func awaitImport(_ taskID: Int) async throws {
        let worker = importWorker()
        let queue = BuildImportQueue(client: client)
        for _ in 0..<3000 {
            try await worker.drain()
            if try await !queue.isPending(taskID: Int64(taskID)) { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw HarnessError(description: "the import of task \(taskID) is still pending")
    }

    func nodeToken(_ name: String) async throws -> String {
        try await tokens.issue(KilnClaims(sub: name, scope: .node))
    }

    /// Creates the user row and returns a user token for it.
    func userToken(_ name: String, admin: Bool = false) async throws -> String {
        let user = try await UserStore(client: client).upsert(
            username: name, email: "\(name)@example.org", isSuperuser: admin)
        return try await tokens.issue(KilnClaims(sub: name, scope: admin ? .admin : .user, uid: user.id))
    }

    /// Creates a build of `projects` (refs `main`) on one platform through the API (throws unless
    /// the answer is a 200); returns the build id and its arch task ids (not `src`) in index order.
    func createBuild(
        token: String, platform: String = "P", arches: [String] = ["x86_64"],
        projects: [String] = ["hello"], linked: [Int] = []
    ) async throws -> (id: Int, tasks: [Int]) {
        let answer = try await call(
            .POST, "/api/v1/builds/", token: token,
            json: [
                "platforms": [["name": platform, "arch_list": arches]],
                "tasks": projects.map { ["url": "https://git.example.org/rpms/\($0).git", "git_ref": "main"] },
                "linked_builds": linked
            ])
        guard answer.status == 200 else {
            throw HarnessError(description: "creating a build answered \(answer.status): \(answer.text)")
        }
        let tasks = (answer.object["tasks"] as? [[String: Any]] ?? []).filter { $0["arch"] as? String != "src" }
            .compactMap { $0["id"] as? Int }
        return (answer.object["id"] as? Int ?? 0, tasks)
    }
}
