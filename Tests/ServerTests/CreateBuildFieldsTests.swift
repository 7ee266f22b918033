import Foundation
import NIOHTTP1
import PostgresNIO
import Server
import Testing

/// `POST /api/v1/builds/` takes ALBS's `BuildCreate` fields (issue 9) and refuses what Kiln
/// cannot build, with a detail and nothing written.
@Suite(.serialized) struct CreateBuildFieldsTests {
    func flavor(_ client: PostgresClient, _ name: String) async throws -> Int64 {
        var id: Int64 = 0
        for try await row in try await client.query(
            "INSERT INTO platform_flavors (name, data) VALUES (\(name), '{}'::jsonb) RETURNING id"
        ).decode(Int64.self) { id = row }
        return id
    }

    func text(_ client: PostgresClient, _ sql: String) async throws -> [String?] {
        var rows: [String?] = []
        for try await value in try await client.query(PostgresQuery(unsafeSQL: sql)).decode(String?.self) {
            rows.append(value)
        }
        return rows
    }

    @Test func fieldsAreStored() async throws {
        try await ServerHarness.with { h in
            try await Fixtures.platform(h.client, name: "P", arches: ["x86_64", "riscv64"])
            let beta = try await flavor(h.client, "beta")
            let gcc = try await flavor(h.client, "gcc-toolset")
            let user = try await h.userToken("alice")
            let answer = try await h.call(
                .POST, "/api/v1/builds/", token: user,
                json: [
                    "platforms": [["name": "P", "arch_list": ["x86_64", "riscv64"], "parallel_mode_enabled": false]],
                    "tasks": [
                        [
                            "url": "https://git.example.org/rpms/hello.git", "git_ref": "c9",
                            "mock_options": ["definitions": ["with_tests": "1"], "with": ["docs"]],
                            "test_configuration": ["tests": [["name": "smoke"]], "test_env": ["a": "b"]]
                        ],
                        ["url": "https://git.example.org/rpms/world.git", "git_ref": "c9", "is_module": false]
                    ],
                    "product_id": 7, "mock_options": ["target_arch": "x86_64", "yum_exclude": ["foo"]],
                    "platform_flavors": [gcc, beta], "parallel_mode_enabled": true
                ])
            #expect(answer.status == 200, "\(answer.text)")
            let id = try #require(answer.object["id"] as? Int)
            #expect(
                try await text(
                    h.client,
                    "SELECT mock_options::text || ' ' || product_id || ' ' || parallel_mode_enabled FROM builds WHERE id = \(id)"
                ) == [#"{"target_arch": "x86_64", "yum_exclude": ["foo"]} 7 true"#])
            #expect(
                try await text(
                    h.client,
                    "SELECT flavor_id || ':' || position FROM build_platform_flavors WHERE build_id = \(id) ORDER BY position"
                ) == ["\(gcc):0", "\(beta):1"])
            #expect(
                try await text(
                    h.client,
                    """
                    SELECT coalesce(r.mock_options::text, '-') || ' ' || coalesce(r.test_configuration::text, '-')
                    FROM build_task_refs r WHERE r.id IN (SELECT ref_id FROM build_tasks WHERE build_id = \(id)) ORDER BY r.id
                    """)
                    == [
                        #"{"with": ["docs"], "definitions": {"with_tests": "1"}} {"tests": [{"name": "smoke"}], "test_env": {"a": "b"}}"#,
                        "- -"
                    ])
            // Each task carries its ref's mock options; 2 refs × (src + 2 arches).
            #expect(
                try await text(
                    h.client,
                    """
                    SELECT t.arch || ' ' || coalesce(t.mock_options::text, '-') FROM build_tasks t
                    WHERE t.build_id = \(id) ORDER BY t.id
                    """)
                    == [
                        #"src {"with": ["docs"], "definitions": {"with_tests": "1"}}"#,
                        #"x86_64 {"with": ["docs"], "definitions": {"with_tests": "1"}}"#,
                        #"riscv64 {"with": ["docs"], "definitions": {"with_tests": "1"}}"#,
                        "src -", "x86_64 -", "riscv64 -"
                    ])
            // Without the new fields: ALBS's defaults.
            let plain = try await h.createBuild(token: user)
            #expect(
                try await text(
                    h.client,
                    "SELECT mock_options::text || ' ' || coalesce(product_id::text, '-') || ' ' || parallel_mode_enabled FROM builds WHERE id = \(plain.id)"
                ) == ["{} - false"])
        }
    }

    @Test func refusedBeforeAnythingIsWritten() async throws {
        let settings = ServerSettings(limits: RequestLimits(maxBuildTasks: 5))
        try await ServerHarness.with(settings: settings) { h in
            try await Fixtures.platform(h.client, name: "P", arches: ["x86_64", "aarch64"])
            let user = try await h.userToken("alice")
            func post(_ body: [String: Any]) async throws -> HTTPAnswer {
                var json: [String: Any] = [
                    "platforms": [["name": "P", "arch_list": ["x86_64"]]],
                    "tasks": [["url": "https://git.example.org/rpms/hello.git"]]
                ]
                json.merge(body) { $1 }
                return try await h.call(.POST, "/api/v1/builds/", token: user, json: json)
            }
            let unknownFlavor = try await post(["platform_flavors": [4242]])
            #expect(unknownFlavor.status == 422)
            #expect(unknownFlavor.detail?.contains("4242") == true, "\(unknownFlavor.text)")

            let module = try await post([
                "tasks": [["url": "https://git.example.org/modules/go.git", "is_module": true]]
            ])
            #expect(module.status == 422)
            #expect(module.detail?.contains("module builds are not supported yet") == true, "\(module.text)")
            let moduleRef = try await post([
                "tasks": [["module_name": "go-toolset", "module_stream": "rhel8", "modules_yaml": "---", "refs": []]]
            ])
            #expect(moduleRef.status == 422)
            #expect(moduleRef.detail?.contains("module builds are not supported yet") == true, "\(moduleRef.text)")

            // 2 refs × (src + 2 arches) = 6 tasks > 5: the src tasks count.
            let tooMany = try await post([
                "platforms": [["name": "P", "arch_list": ["x86_64", "aarch64"]]],
                "tasks": [["url": "https://git.example.org/rpms/a.git"], ["url": "https://git.example.org/rpms/b.git"]]
            ])
            #expect(tooMany.status == 422)
            #expect(
                tooMany.detail?.contains("6 tasks") == true && tooMany.detail?.contains("KILN_MAX_BUILD_TASKS") == true,
                "\(tooMany.text)")

            var deep: Any = "x"
            for _ in 0..<10 { deep = ["k": deep] }
            let nested = try await post(["mock_options": deep])
            #expect(nested.status == 422)
            #expect(nested.detail?.contains("mock_options") == true, "\(nested.text)")
            let notObject = try await post([
                "tasks": [["url": "https://git.example.org/rpms/hello.git", "mock_options": ["a", "b"]]]
            ])
            #expect(notObject.status == 422)
            #expect(notObject.detail?.contains("mock_options must be an object") == true, "\(notObject.text)")
            let large = try await post(["mock_options": ["definitions": ["x": String(repeating: "a", count: 70_000)]]])
            #expect(large.status == 422)
            #expect(large.detail?.contains("larger than") == true, "\(large.text)")

            #expect(try await h.count("SELECT count(*) FROM builds") == 0)
            #expect(try await h.count("SELECT count(*) FROM build_task_refs") == 0)
            // 1 ref × (src + 2 arches) = 3 tasks fits.
            let fits = try await post(["platforms": [["name": "P", "arch_list": ["x86_64", "aarch64"]]]])
            #expect(fits.status == 200, "\(fits.text)")
            #expect(try await h.count("SELECT count(*) FROM build_tasks") == 3)
        }
    }
}
