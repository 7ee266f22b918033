import Foundation
import Hummingbird
import Spec
import Statuses
import Store

/// One repository ALTS installs the package from (ALTS `Repository`).
package struct TestRepositoryPayload: Codable, Sendable, Equatable {
    package var name: String
    package var baseurl: String
}

/// The distribution flavor a test runs on (ALTS `test_flavor`): Kiln sends none.
package struct TestFlavorPayload: Codable, Sendable, Equatable {
    package var name: String
    package var version: String
}

/// One task of `GET /api/v1/tests/get_test_tasks/` (ALTS `TaskRequestPayload`).
package struct TestTaskPayload: Codable, Sendable, Equatable {
    /// The test task's id; ALTS reports it back through `callback_href`.
    package var bsTaskID: Int64
    /// `any`: ALTS picks the runner.
    package var runnerType: String
    package var distName: String
    package var distVersion: String
    package var distArch: String
    @Nullable package var packageChannel: String?
    /// `{tests: [...], test_env}` from the build request, or null.
    @Nullable package var testConfiguration: JSONValue?
    @Nullable package var testFlavor: TestFlavorPayload?
    package var repositories: [TestRepositoryPayload]
    package var packageName: String
    /// `version-release`, as ALBS sends it.
    package var packageVersion: String
    @Nullable package var packageEpoch: String?
    @Nullable package var moduleName: String?
    @Nullable package var moduleStream: String?
    @Nullable package var moduleVersion: String?
    /// `/api/v1/tests/{id}/result/`, relative to Kiln's base URL.
    package var callbackHref: String
    package var verbose: Bool

    package enum CodingKeys: String, CodingKey, CaseIterable {
        case bsTaskID = "bs_task_id"
        case runnerType = "runner_type"
        case distName = "dist_name"
        case distVersion = "dist_version"
        case distArch = "dist_arch"
        case packageChannel = "package_channel"
        case testConfiguration = "test_configuration"
        case testFlavor = "test_flavor"
        case repositories
        case packageName = "package_name"
        case packageVersion = "package_version"
        case packageEpoch = "package_epoch"
        case moduleName = "module_name"
        case moduleStream = "module_stream"
        case moduleVersion = "module_version"
        case callbackHref = "callback_href"
        case verbose
    }
}

extension TestTaskPayload {
    /// The payload of a claimed task.
    init(_ claim: TestTaskClaim) throws {
        var configuration: JSONValue?
        if let text = claim.testConfiguration {
            configuration = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        }
        if case .object(var fields)? = configuration, fields["tests"] == nil || fields["tests"] == .null {
            fields["tests"] = .array([])  // ALTS's TestConfiguration wants a list
            configuration = .object(fields)
        }
        if configuration == .null { configuration = nil }
        let release = claim.packageRelease.map { "-\($0)" } ?? ""
        self.init(
            bsTaskID: claim.id, runnerType: "any", distName: claim.distName, distVersion: claim.distVersion,
            distArch: claim.envArch, packageChannel: nil, testConfiguration: configuration, testFlavor: nil,
            repositories: claim.repositories.map { TestRepositoryPayload(name: $0.name, baseurl: $0.url) },
            packageName: claim.packageName, packageVersion: claim.packageVersion + release,
            packageEpoch: claim.packageEpoch, moduleName: nil, moduleStream: nil, moduleVersion: nil,
            callbackHref: "/api/v1/tests/\(claim.id)/result/", verbose: false)
    }
}

/// `POST /api/v1/tests/{id}/result/` body (ALBS `TestTaskResult`).
package struct TestResultRequest: Codable, Sendable, Equatable {
    package var apiVersion: String
    /// `{stage: {success, output, ...}, tests: [{..., success}], logs: [{name, href}]}`.
    package var result: [String: JSONValue]
    @Nullable package var stats: JSONValue?

    package enum CodingKeys: String, CodingKey {
        case apiVersion = "api_version"
        case result, stats
    }

    /// The status the result gives its task, as ALBS reads it: `revoked` cancels; otherwise
    /// failed when any stage (or any entry of `tests`) has no `success: true`, completed else.
    /// `logs` is not a stage.
    package var status: TestTaskStatus {
        if case .bool(true)? = result["revoked"] { return .cancelled }
        for (key, value) in result where key != "logs" && key != "revoked" {
            if key == "tests", case .array(let tests) = value {
                for test in tests where !Self.succeeded(test) { return .failed }
            } else if !Self.succeeded(value) {
                return .failed
            }
        }
        return .completed
    }

    private static func succeeded(_ stage: JSONValue) -> Bool {
        guard case .object(let fields) = stage, case .bool(let success)? = fields["success"] else { return false }
        return success
    }

    /// The `logs` entries (`[{name, href}]`), each an object with a string `href`; nil when the
    /// result has no list of such entries.
    package var logs: [JSONValue]? {
        guard let value = result["logs"] else { return [] }
        guard case .array(let entries) = value else { return nil }
        for entry in entries {
            guard case .object(let fields) = entry, case .string? = fields["href"] else { return nil }
        }
        return entries
    }
}

/// A test task as the read endpoints and the build JSON show it (ALBS `TestTask`).
package struct TestTaskAnswer: Codable, Sendable, Equatable, ResponseEncodable {
    package var id: Int64
    package var buildTaskID: Int64
    package var packageName: String
    package var packageVersion: String
    @Nullable package var packageRelease: String?
    package var envArch: String
    package var status: TestTaskStatus
    package var revision: Int
    @Nullable package var altsResponse: JSONValue?
    @Nullable package var startedAt: Date?
    @Nullable package var finishedAt: Date?
    @Nullable package var performanceStats: [BuildAnswer.PerformanceStats]?

    package enum CodingKeys: String, CodingKey, CaseIterable {
        case id
        case buildTaskID = "build_task_id"
        case packageName = "package_name"
        case packageVersion = "package_version"
        case packageRelease = "package_release"
        case envArch = "env_arch"
        case status, revision
        case altsResponse = "alts_response"
        case startedAt = "started_at"
        case finishedAt = "finished_at"
        case performanceStats = "performance_stats"
    }
}

extension TestTaskAnswer {
    /// The answer for a stored test task.
    package init(_ row: TestTaskRow) {
        let response = row.altsResponse.flatMap { try? JSONDecoder().decode(JSONValue.self, from: Data($0.utf8)) }
        var stats: [BuildAnswer.PerformanceStats]?
        if case .object(let body)? = response, let value = body["stats"], value != .null {
            stats = [BuildAnswer.PerformanceStats(id: row.id, buildTaskID: row.buildTaskID, statistics: value)]
        }
        self.init(
            id: row.id, buildTaskID: row.buildTaskID, packageName: row.packageName,
            packageVersion: row.packageVersion, packageRelease: row.packageRelease, envArch: row.envArch,
            status: row.status, revision: row.revision, altsResponse: response, startedAt: row.startedAt,
            finishedAt: row.finishedAt, performanceStats: stats)
    }
}

/// One log of `GET /api/v1/tests/{build_task_id}/logs`: an entry of a result's `logs`, with the
/// test task it came from.
package struct TestLogAnswer: Codable, Sendable, Equatable {
    package var testTaskID: Int64
    package var revision: Int
    package var packageName: String
    @Nullable package var name: String?
    package var href: String

    package enum CodingKeys: String, CodingKey, CaseIterable {
        case testTaskID = "test_task_id"
        case revision
        case packageName = "package_name"
        case name, href
    }
}

/// `PUT .../restart` and `.../cancel` answers: how many test tasks the call made or cancelled.
package struct TestTasksChangedAnswer: Codable, Sendable, Equatable, ResponseEncodable {
    package var count: Int
    @Nullable package var revision: Int?
}
