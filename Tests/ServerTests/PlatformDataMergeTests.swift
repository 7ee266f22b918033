import Foundation
import KilnTestSupport
import PostgresNIO
import Server
import Spec
import Statuses
import Store
import Testing

/// `get_task`'s `platform.data` is ALBS's merge (alws/routers/build_node.py get_task,
/// alws/schemas/build_node_schema.py TaskPlatform.add_mock_options): the platform's data, the
/// build's flavors in order, the build's mock_options, the task's (its ref's) mock_options,
/// then Secure Boot packages; the flavors' repositories follow the platform's. The per-build
/// half is cached and recomputed when a build repository appears or a platform changes.
@Suite struct PlatformDataMergeTests {
    static let platformData = """
        {"mock": {"chroot_setup_cmd": "install bash", "macros": {"%dist": ".el9", "%_host_vendor": "redhat"},
                  "dnf_common_opts": ["--setopt=deltarpm=False"], "module_enable": ["nodejs:18"],
                  "secure_boot_additional_packages": ["pesign", "kernel-sign"], "use_host_resolv": false},
         "yum": {"exclude": "kernel*"}, "definitions": {"dist": ".el9", "vendor": "AlmaLinux"}, "timeout": 43200}
        """
    static let betaData = """
        {"mock": {"macros": {"%_host_vendor": "beta", "%beta": "1"}, "secure_boot_macros": {"%pe_signing_cert": "05"},
                  "dnf_common_opts": ["--nobest"], "chroot_setup_cmd": "install bash beta-release"},
         "definitions": {"vendor": "AlmaLinux Beta"}}
        """
    static let extraData = """
        {"mock": {"use_host_resolv": true, "dnf_common_opts": ["--allowerasing"]},
         "definitions": {"vendor": "AlmaLinux Beta 2", "beta2": "yes"}}
        """
    static let buildOptions = """
        {"definitions": {"packager": "Kiln"}, "with": ["tests"], "module_enable": ["nodejs:18", "perl:5.32"],
         "yum_exclude": ["foo", "bar"]}
        """
    static let refOptions = #"{"without": ["docs"], "target_arch": "i686", "yum_exclude": ["baz"]}"#

    @Test func eachTaskGetsTheMergedDataAndTheFlavorRepositories() async throws {
        try await TestDatabase.with { client, _ in
            let platformID = try await Fixtures.platform(client, name: "P", arches: ["x86_64", "aarch64"])
            try await client.query("UPDATE platforms SET data = \(Self.platformData)::jsonb WHERE id = \(platformID)")
            let beta = try await Self.flavor(client, "beta", data: Self.betaData, repoArches: ["x86_64", "aarch64"])
            let extra = try await Self.flavor(client, "extra", data: Self.extraData, repoArches: [])
            let user = try await UserStore(client: client).upsert(
                username: "alice", email: "alice@example.org", isSuperuser: false)
            let urls = ["options", "secure", "plain"].map { "https://git.example.org/rpms/\($0).git" }
            let build = try await BuildStore(client: client).create(
                BuildRequest(
                    createdBy: user.id, platforms: [.init(name: "P", archList: ["x86_64", "aarch64"])],
                    refs: urls.map { .init(url: $0) }))
            // What POST /builds/ stores (written here directly): options, flavors, Secure Boot.
            try await client.query("UPDATE builds SET mock_options = \(Self.buildOptions)::jsonb WHERE id = \(build)")
            try await client.query(
                """
                INSERT INTO build_platform_flavors (build_id, flavor_id, position)
                VALUES (\(build), \(extra), 1), (\(build), \(beta), 0)
                """)
            try await client.query(
                """
                UPDATE build_tasks t SET mock_options = \(Self.refOptions)::jsonb FROM build_task_refs r
                WHERE r.id = t.ref_id AND t.build_id = \(build) AND r.url = \(urls[0])
                """)
            try await client.query(
                """
                UPDATE build_tasks t SET is_secure_boot = TRUE FROM build_task_refs r
                WHERE r.id = t.ref_id AND t.build_id = \(build) AND r.url = \(urls[1])
                """)
            // Dependencies (a src task first) are not what this test is about.
            try await client.query("UPDATE build_tasks SET pending_deps = 0 WHERE build_id = \(build)")

            let claims = TaskClaims(client: client, clock: ManualLeaseClock())
            let first = try #require(try await claims.claimRaw(arch: "x86_64", node: "n1"))
            var answers = [try NodeTaskAnswer.strictlyDecoded(from: Data(first.utf8))]
            #expect(try await Self.count(client, "SELECT count(*) FROM build_claim_answers") == 1)
            #expect(!answers[0].repositories.map(\.name).contains("kt-\(build)-P-x86_64-rpm"))

            // A build repository appears (the importer): the next claim lists it, first.
            try await BuildRepositoryStore(client: client).record(
                BuildRepositoryRecord(
                    buildID: build, platformID: platformID, arch: "x86_64", kind: .rpm,
                    name: "kt-\(build)-P-x86_64-rpm", url: "https://pulp.example.org/kt-rpm/", pulpHref: nil))
            while let json = try await claims.claim(arches: ["x86_64", "aarch64", "src"], node: "n1") {
                let answer = try NodeTaskAnswer.strictlyDecoded(from: Data(json.utf8))
                if answer.arch == "x86_64" {
                    #expect(answer.repositories.first?.name == "kt-\(build)-P-x86_64-rpm")
                    #expect(answer.repositories.first?.priority == 5)
                }
                answers.append(answer)
            }
            for arch in ["x86_64", "aarch64"] {
                for url in urls {
                    let task = try #require(answers.first { $0.arch == arch && $0.ref.url == url })
                    try Self.expectMerged(task, secure: url == urls[1], options: url == urls[0])
                }
            }
        }
    }

    @Test func aPlatformChangeReachesTheNextClaim() async throws {
        try await TestDatabase.with { client, _ in
            let platformID = try await Fixtures.platform(client, name: "Q", arches: ["x86_64"])
            let user = try await UserStore(client: client).upsert(
                username: "bob", email: "bob@example.org", isSuperuser: false)
            let build = try await BuildStore(client: client).create(
                BuildRequest(
                    createdBy: user.id, platforms: [.init(name: "Q", archList: ["x86_64"])],
                    refs: ["a", "b"].map { .init(url: "https://git.example.org/rpms/\($0).git") }))
            try await client.query("UPDATE build_tasks SET pending_deps = 0 WHERE build_id = \(build)")
            let claims = TaskClaims(client: client, clock: ManualLeaseClock())
            let first = try NodeTaskAnswer.strictlyDecoded(
                from: Data(try #require(try await claims.claimRaw(arch: "x86_64", node: "n1")).utf8))
            #expect(first.platform.data["timeout"] == nil)
            try await client.query(
                "UPDATE platforms SET data = data || '{\"timeout\": 60}'::jsonb WHERE id = \(platformID)")
            let second = try NodeTaskAnswer.strictlyDecoded(
                from: Data(try #require(try await claims.claimRaw(arch: "x86_64", node: "n1")).utf8))
            #expect(second.platform.data["timeout"] == .int(60))
            // The cached answer names the build's creator: a changed email reaches the next claim too.
            try await client.query("UPDATE users SET email = 'robert@example.org' WHERE id = \(user.id)")
            try await client.query("UPDATE build_tasks SET status = 0, node = NULL WHERE build_id = \(build)")
            let third = try NodeTaskAnswer.strictlyDecoded(
                from: Data(try #require(try await claims.claimRaw(arch: "x86_64", node: "n1")).utf8))
            #expect(third.createdBy.email == "robert@example.org")
            // A second claim of the same build reads the cached text (the spliced answer): the
            // same members with the same values as the answer rendered whole when it was filled.
            let fourth = try NodeTaskAnswer.strictlyDecoded(
                from: Data(try #require(try await claims.claimRaw(arch: "x86_64", node: "n1")).utf8))
            #expect(fourth.id != third.id)
            #expect(fourth.platform == third.platform && fourth.createdBy == third.createdBy)
            #expect(fourth.repositories == third.repositories && fourth.linkedBuilds == third.linkedBuilds)
            #expect(fourth.ref.url != third.ref.url && fourth.isSecureBoot == false)
        }
    }

    /// Checks one task's platform.data field by field and its flavor repositories.
    static func expectMerged(_ task: NodeTaskAnswer, secure: Bool, options: Bool) throws {
        let data = task.platform.data
        guard case .object(let mock)? = data["mock"] else {
            Issue.record("platform.data.mock is not an object")
            return
        }
        let sbCommand = secure ? " pesign kernel-sign" : ""
        #expect(mock["chroot_setup_cmd"] == .string("install bash beta-release" + sbCommand))
        #expect(
            mock["macros"]
                == .object(["%dist": .string(".el9"), "%_host_vendor": .string("beta"), "%beta": .string("1")]))
        #expect(mock["secure_boot_macros"] == .object(["%pe_signing_cert": .string("05")]))
        #expect(
            mock["dnf_common_opts"]
                == .array([.string("--setopt=deltarpm=False"), .string("--nobest"), .string("--allowerasing")]))
        #expect(mock["use_host_resolv"] == .bool(true))
        #expect(mock["module_enable"] == .array([.string("nodejs:18"), .string("perl:5.32")]))
        #expect(mock["target_arch"] == (options ? .string("i686") : nil))
        #expect(
            data["yum"] == .object(["exclude": .string(options ? "kernel* foo bar baz" : "kernel* foo bar")]))
        var definitions: [String: JSONValue] = [
            "dist": .string(".el9"), "vendor": .string("AlmaLinux Beta 2"), "beta2": .string("yes"),
            "packager": .string("Kiln"), "_with_tests": .string("--with-tests")
        ]
        if options { definitions["_without_docs"] = .string("--without-docs") }
        #expect(data["definitions"] == .object(definitions))
        #expect(data["timeout"] == .int(43200))
        #expect(task.isSecureBoot == secure)
        let names = task.repositories.map(\.name)
        #expect(names.last == "beta-repo", "the flavor's repository comes after the platform's")
        #expect(names.contains("P-BaseOS"))
        #expect(task.repositories.last?.url == "https://beta.example.org/\(task.arch)/")
    }

    /// A flavor row with one repository per arch in `repoArches`.
    static func flavor(
        _ client: PostgresClient, _ name: String, data: String, repoArches: [String]
    ) async throws
        -> Int64
    {
        var id: Int64 = 0
        for try await fid in try await client.query(
            "INSERT INTO platform_flavors (name, data) VALUES (\(name), \(data)::jsonb) RETURNING id"
        ).decode(Int64.self) { id = fid }
        for arch in repoArches {
            let url = "https://\(name).example.org/\(arch)/"
            try await client.query(
                """
                WITH r AS (INSERT INTO repositories (name, arch, url, type) VALUES (\(name + "-repo"), \(arch), \(url), 'rpm')
                           RETURNING id)
                INSERT INTO platform_flavor_repositories (flavor_id, repository_id) SELECT \(id), r.id FROM r
                """)
        }
        return id
    }

    static func count(_ client: PostgresClient, _ sql: String) async throws -> Int64 {
        var n: Int64 = -1
        for try await c in try await client.query(PostgresQuery(unsafeSQL: sql)).decode(Int64.self) { n = c }
        return n
    }
}
