import Foundation
import Statuses

/// The test-task bodies (`Server/Wire/TestTaskWire.swift`).
extension OpenAPIWireSchema {
    private static func p(
        _ name: String, _ schema: OpenAPISchema, required: Bool = true, _ description: String? = nil
    ) -> OpenAPISchema.Property {
        .init(name, schema, required: required, description: description)
    }

    private static func answer<T: Codable>(_ type: T.Type) -> @Sendable (Data) throws -> Data? {
        { data in try WireJSON.encoder().encode(try WireJSON.decoder().decode(T.self, from: data)) }
    }

    private static func request<T: Codable>(_ type: T.Type) -> @Sendable (Data) throws -> Data? {
        { data in try WireJSON.encoder().encode(try JSONDecoder().decode(T.self, from: data)) }
    }

    static let testing: [OpenAPIWireSchema] = [
        .init(
            name: "TestRepository", description: "A repository ALTS installs from (ALTS `Repository`).",
            schema: .object([p("name", .string()), p("baseurl", .string())]),
            roundTrip: answer(TestRepositoryPayload.self)),
        .init(
            name: "TestFlavor", description: "A distribution flavor to test on.",
            schema: .object([p("name", .string()), p("version", .string())]),
            roundTrip: answer(TestFlavorPayload.self)),
        .init(
            name: "TestTaskPayload", description: "A test task handed to ALTS (ALTS `TaskRequestPayload`).",
            schema: .object([
                p("bs_task_id", .id), p("runner_type", .string(allowed: ["any", "docker", "opennebula"])),
                p("dist_name", .string()), p("dist_version", .string()), p("dist_arch", .string()),
                p("package_channel", .nullable(.string(allowed: ["stable", "beta"]))),
                p("test_configuration", .nullable(.map(values: nil)), "`{tests: [...], test_env}` of the build's ref."),
                p("test_flavor", .nullable(.ref("TestFlavor"))),
                p(
                    "repositories", .array(.ref("TestRepository")),
                    "The build's of the arch first, then the platform's."),
                p("package_name", .string()), p("package_version", .string(), "`version-release`."),
                p("package_epoch", .nullable(.string())), p("module_name", .nullable(.string())),
                p("module_stream", .nullable(.string())), p("module_version", .nullable(.string())),
                p("callback_href", .string(), "Where ALTS posts the result, relative to Kiln."),
                p("verbose", .boolean)
            ]),
            roundTrip: answer(TestTaskPayload.self)),
        .init(
            name: "TestTaskResult", description: "ALTS's result (ALBS `TestTaskResult`).",
            schema: .object([
                p("api_version", .string()),
                p("result", .map(values: nil), "Stages with `success`, `tests` entries, `logs` [{name, href}]."),
                p("stats", .nullable(.map(values: nil)))
            ]),
            roundTrip: request(TestResultRequest.self)),
        .init(
            name: "TestTask", description: "A test task (ALBS `TestTask`).",
            schema: .object([
                p("id", .id), p("build_task_id", .id), p("package_name", .string()), p("package_version", .string()),
                p("package_release", .nullable(.string())), p("env_arch", .string()),
                p(
                    "status", .integer(allowed: TestTaskStatus.allCases.map { Int($0.rawValue) }),
                    "1 created, 2 started, 3 completed, 4 failed, 5 cancelled"),
                p("revision", .integer()), p("alts_response", .nullable(.map(values: nil))),
                p("started_at", .nullable(.timestamp)), p("finished_at", .nullable(.timestamp)),
                p("performance_stats", .nullable(.array(.ref("PerformanceStats"))))
            ]),
            roundTrip: answer(TestTaskAnswer.self)),
        .init(
            name: "TestLog", description: "A log a test result carried.",
            schema: .object([
                p("test_task_id", .id), p("revision", .integer()), p("package_name", .string()),
                p("name", .nullable(.string())), p("href", .string())
            ]),
            roundTrip: answer(TestLogAnswer.self)),
        .init(
            name: "TestTasksChanged", description: "How many test tasks a restart made or a cancel stopped.",
            schema: .object([p("count", .integer()), p("revision", .nullable(.integer()))]),
            roundTrip: answer(TestTasksChangedAnswer.self))
    ]
}
