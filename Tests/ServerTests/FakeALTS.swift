import Foundation
import NIOHTTP1
import Server

/// The test system as AlmaLinux's ALTS scheduler talks to Kiln: `GET {bs_host}{bs_tasks_endpoint}`
/// with its `bs_token`, each task parsed as ALTS's `TaskRequestPayload` (checked field by field
/// against the model's own list, not Kiln's), then the result `POST`ed to `callback_href`
/// (`{api_version, result: {stage: {success, output}, tests: [...], logs: [...]}, stats}`).
struct FakeALTS<Caller: HTTPCaller>: Sendable {
    let caller: Caller
    let token: String
    /// ALTS's default `bs_tasks_endpoint`.
    static var tasksEndpoint: String { "/api/v1/tests/get_test_tasks/" }

    /// ALTS's `TaskRequestPayload` keys as Kiln's wire protocol (`albs-spec.md`) lists them.
    static var payloadKeys: [String] {
        [
            "bs_task_id", "runner_type", "dist_name", "dist_version", "dist_arch", "package_channel",
            "test_configuration", "test_flavor", "repositories", "package_name", "package_version", "package_epoch",
            "module_name", "module_stream", "module_version", "callback_href", "verbose"
        ]
    }

    /// One pulled task, as ALTS reads it.
    struct Task: Sendable, Equatable {
        var id: Int
        var distName: String
        var distVersion: String
        var distArch: String
        var packageName: String
        var packageVersion: String
        var packageEpoch: String?
        var testConfiguration: String?
        var repositories: [[String]]
        var callbackHref: String
    }

    /// Pulls once; throws unless the answer is a 200 list of well-formed `TaskRequestPayload`s.
    func pull() async throws -> [Task] {
        let answer = try await caller.call(.GET, Self.tasksEndpoint, token: token)
        guard answer.status == 200, let list = answer.json as? [Any] else {
            throw HarnessError(description: "get_test_tasks answered \(answer.status): \(answer.text)")
        }
        return try list.enumerated().map { index, item in try Self.parse(item, at: "tasks[\(index)]") }
    }

    /// Checks one payload as ALTS's pydantic model would (types, literals, required keys), and
    /// that Kiln sends every key the wire protocol names (nulls present).
    static func parse(_ item: Any, at path: String) throws -> Task {
        try expectKeys(item, payloadKeys, at: path)
        let o = item as? [String: Any] ?? [:]
        func fail(_ what: String) -> HarnessError { HarnessError(description: "\(path): \(what): \(o)") }
        guard let id = o["bs_task_id"] as? Int else { throw fail("bs_task_id is not an int") }
        guard let runner = o["runner_type"] as? String, ["any", "docker", "opennebula"].contains(runner) else {
            throw fail("runner_type")
        }
        guard o["package_channel"] is NSNull || ["stable", "beta"].contains(o["package_channel"] as? String ?? "")
        else { throw fail("package_channel") }
        var configuration: String?
        if let config = o["test_configuration"] as? [String: Any] {
            guard config["tests"] is [[String: Any]] else { throw fail("test_configuration.tests is not a list") }
            guard config["test_env"] == nil || config["test_env"] is NSNull || config["test_env"] is [String: Any]
            else { throw fail("test_configuration.test_env") }
            configuration = String(
                decoding: try JSONSerialization.data(withJSONObject: config, options: [.sortedKeys]), as: UTF8.self)
        } else if !(o["test_configuration"] is NSNull) {
            throw fail("test_configuration")
        }
        if let flavor = o["test_flavor"] as? [String: Any] {
            guard flavor["name"] is String, flavor["version"] is String else { throw fail("test_flavor") }
        } else if !(o["test_flavor"] is NSNull) {
            throw fail("test_flavor")
        }
        for key in ["module_name", "module_stream", "module_version"] where !(o[key] is NSNull || o[key] is String) {
            throw fail(key)
        }
        guard o["verbose"] is Bool else { throw fail("verbose") }
        guard let repositories = o["repositories"] as? [[String: Any]] else { throw fail("repositories") }
        var repos: [[String]] = []
        for repository in repositories {
            guard let baseurl = repository["baseurl"] as? String, !baseurl.isEmpty,
                repository["name"] == nil || repository["name"] is NSNull || repository["name"] is String
            else { throw fail("repositories entry \(repository)") }
            repos.append([repository["name"] as? String ?? "", baseurl])
        }
        guard let distName = o["dist_name"] as? String, let distArch = o["dist_arch"] as? String,
            let packageName = o["package_name"] as? String, let callback = o["callback_href"] as? String
        else { throw fail("a required string") }
        let distVersion = (o["dist_version"] as? String) ?? (o["dist_version"] as? Int).map(String.init)
        guard let distVersion else { throw fail("dist_version") }
        guard o["package_version"] is NSNull || o["package_version"] is String else { throw fail("package_version") }
        guard o["package_epoch"] is NSNull || o["package_epoch"] is String else { throw fail("package_epoch") }
        return Task(
            id: id, distName: distName, distVersion: distVersion, distArch: distArch, packageName: packageName,
            packageVersion: o["package_version"] as? String ?? "", packageEpoch: o["package_epoch"] as? String,
            testConfiguration: configuration, repositories: repos, callbackHref: callback)
    }

    /// The body ALTS posts when the tests of `task` ran: each stage `success`, the `tests`
    /// entries, one log per stage.
    static func result(_ task: Task, passed: Bool, revoked: Bool = false) -> [String: Any] {
        var result: [String: Any] = [
            "initialize_terraform": ["success": true, "output": "ok"],
            "start_environment": ["success": true, "output": "ok"],
            "install_package": ["success": true, "output": "installed \(task.packageName)"],
            "tests": [["success": passed, "output": passed ? "ok" : "not ok 1 - \(task.packageName)"]],
            "logs": [
                ["name": "install_package.log", "href": "https://logs.example.org/\(task.id)/install_package.log"],
                ["name": "tests.log", "href": "https://logs.example.org/\(task.id)/tests.log"]
            ]
        ]
        if revoked { result["revoked"] = true }
        return ["api_version": "1", "result": result, "stats": ["started_at": "2026-12-04T10:00:00", "duration": 42]]
    }

    /// Posts `body` to the task's callback; the answer.
    func report(_ task: Task, _ body: [String: Any]) async throws -> HTTPAnswer {
        try await caller.call(.POST, task.callbackHref, token: token, json: body)
    }
}
