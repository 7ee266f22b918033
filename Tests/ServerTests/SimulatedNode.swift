import Artifacts
import Foundation
import NIOHTTP1
import Server

/// A build node speaking the ALBS protocol over HTTP, as albs-node does.
struct SimulatedNode<Harness: BuildHarness>: Sendable {
    let harness: Harness
    let name: String
    let token: String
    let arches: [String]
    var excluded: [String]? = nil

    init(_ harness: Harness, name: String, arches: [String], excluded: [String]? = nil) async throws {
        self.harness = harness
        self.name = name
        self.arches = arches
        self.excluded = excluded
        self.token = try await harness.nodeToken(name)
    }

    /// `get_task`: the decoded task, or nil for a `null` answer. Throws unless the answer is a 200
    /// holding exactly the keys of `NodeTaskAnswer` (null ones too). A node that does not list
    /// `src` itself still takes `src` tasks (after its own arches) and completes them at once
    /// (no artifacts), so a test about arch tasks sees only those.
    func getTask() async throws -> NodeTaskAnswer? {
        let takesSources = !arches.contains("src")
        while true {
            guard let task = try await claim(arches: takesSources ? arches + ["src"] : arches) else { return nil }
            guard takesSources, task.arch == "src" else { return task }
            let done = try await buildDone(task.id)
            guard done.status == 200 else {
                throw HarnessError(
                    description: "build_done of src task \(task.id) answered \(done.status): \(done.text)")
            }
        }
    }

    private func claim(arches: [String]) async throws -> NodeTaskAnswer? {
        var body: [String: Any] = ["supported_arches": arches]
        if let excluded { body["excluded_packages"] = excluded }
        let answer = try await harness.call(.POST, "/api/v1/build_node/get_task", token: token, json: body)
        guard answer.status == 200 else {
            throw HarnessError(description: "get_task answered \(answer.status): \(answer.text)")
        }
        if answer.text == "null" { return nil }
        return try NodeTaskAnswer.strictlyDecoded(from: answer.body)
    }

    func ping(_ ids: [Int]) async throws -> HTTPAnswer {
        try await harness.call(.POST, "/api/v1/build_node/ping", token: token, json: ["active_tasks": ids])
    }

    /// Uploads `files` to the artifact store (as the node does before `build_done`) and reports them.
    /// With `awaitImport` (the default) a 200 is followed by running the import queue until the
    /// task's artifacts are imported and its final state written.
    func buildDone(
        _ taskID: Int, status: String = "done", rpms: [URL] = [], log: String? = nil, awaitImport: Bool = true,
        casHash: String? = nil
    ) async throws -> HTTPAnswer {
        var artifacts: [[String: Any]] = []
        for file in rpms {
            let uploaded = try await harness.store.uploadArtifact(file: file)
            artifacts.append([
                "name": file.lastPathComponent, "type": "rpm", "href": uploaded.href,
                "sha256": uploaded.sha256, "path": "/srv/build/\(file.lastPathComponent)",
                "cas_hash": casHash.map { $0 as Any } ?? NSNull()
            ])
        }
        if let log {
            let file = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent(
                "kiln-log-\(UUID().uuidString).log")
            try Data(log.utf8).write(to: file)
            let uploaded = try await harness.store.uploadArtifact(file: file)
            artifacts.append([
                "name": "mock_build.\(taskID).log", "type": "build_log", "href": uploaded.href,
                "sha256": uploaded.sha256, "path": file.path, "cas_hash": NSNull()
            ])
            try? FileManager.default.removeItem(at: file)
        }
        let body: [String: Any] = [
            "task_id": taskID, "status": status, "artifacts": artifacts,
            "stats": ["build_node_stats": ["build_packages": ["start_ts": "x", "end_ts": "y", "delta": "1"]]],
            "is_cas_authenticated": false, "git_commit_hash": "0123456789abcdef0123456789abcdef01234567",
            "alma_commit_cas_hash": NSNull()
        ]
        let answer = try await harness.call(.POST, "/api/v1/build_node/build_done", token: token, json: body)
        if awaitImport && answer.status == 200 { try await harness.awaitImport(taskID) }
        return answer
    }
}
