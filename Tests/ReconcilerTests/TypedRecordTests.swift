import Artifacts
import Foundation
import KilnTestSupport
import Logging
import PostgresNIO
import Reconciler
import Spec
import Statuses
import Store
import Testing

/// One record type per kind from YAML to the database and back: what Spec reads is what the
/// plan carries, what apply writes, and what the Store reads back.
@Suite struct TypedRecordTests {
    static let platformYAML = """
        name: Typed
        type: rpm
        distr_type: rhel
        distr_version: '9'
        test_dist_name: almalinux
        arch_list: [x86_64, aarch64]
        data:
          mock_dist: el9
          nested: {retries: 3, ratio: 0.5, whole: 2.0}
        repos:
          - name: typed-baseos
            arch: x86_64
            url: https://example.org/typed/BaseOS/x86_64/os/
            type: rpm
            debug: false
            production: false
          - name: typed-baseos
            arch: x86_64
            url: https://example.org/typed/BaseOS/debug/x86_64/
            type: rpm
            debug: true
            production: true

        """

    static let releaseYAML = """
        name: typed-release
        platform: Typed
        builds: [3, 1]
        packages:
          - name: zsh
            arch: x86_64
            repositories: [typed-baseos]
          - name: bash
            arch: x86_64
            repositories: [typed-baseos]

        """

    func desired() throws -> DesiredState {
        let result = SpecLoader.load([
            SpecFile(path: "platforms/typed.yml", contents: Array(Self.platformYAML.utf8)),
            SpecFile(path: "releases/typed.yml", contents: Array(Self.releaseYAML.utf8))
        ])
        #expect(result.diagnostics == [])
        return result.state
    }

    func engine(_ client: PostgresClient) -> ReconcileEngine {
        var logger = Logger(label: "test.typed-records")
        logger.logLevel = .critical
        return ReconcileEngine(
            database: PostgresStateDatabase(client: client, logger: logger), store: nil, logger: logger)
    }

    @Test func platformWithRepositoriesGoesFromYAMLThroughAPlanToTheDatabaseAndBack() async throws {
        let state = try desired()
        let platform = try #require(state.platforms.first)
        #expect(
            platform.repos.map(\.key) == [
                RepositoryKey(name: "typed-baseos", arch: "x86_64", debug: false),
                RepositoryKey(name: "typed-baseos", arch: "x86_64", debug: true)
            ])
        try await TestDatabase.with { client, _ in
            let engine = engine(client)
            let plan = try await engine.plan(desired: state, commitSHA: "c1")
            #expect(plan.toAdd == 4)  // platform, two repositories, release
            // the saved plan (what `kiln plan --out` writes) reads back equal and applies exactly
            let saved = try Plan.decode(try plan.jsonData())
            #expect(saved == plan)
            let applied = try await engine.apply(savedPlan: saved, trigger: "cli")
            #expect(applied.result == .applied, "\(applied.errors)")

            // the Store reads back the very records Spec declared (without their file positions)
            let rows = try await DesiredStateStore(client: client).read()
            let stored = try #require(rows.platforms.first)
            var expected = platform
            expected.location = nil
            expected.repos = platform.repos.map {
                var r = $0
                r.location = nil
                return r
            }
            var got = stored.platform
            got.repos.sort { $0.key < $1.key }
            #expect(got.name == expected.name && got.archList == expected.archList && got.repos == expected.repos)
            #expect(JSONValue.object(got.data).normalized == JSONValue.object(expected.data).normalized)
            #expect(stored.origin == .git)
            #expect(Set(rows.repositories.map(\.record)) == Set(expected.repos))
            let release = try #require(rows.releases.first)
            #expect(release.status == .scheduled)
            #expect(release.release.builds == [3, 1])
            #expect(release.release.packages.map(\.name) == ["bash", "zsh"])  // stored sorted

            // the actual state holds the same record types, and nothing is left to do
            let actual = try await engine.readActualState()
            #expect(actual.platforms.map(\.record.name) == ["Typed"])
            let again = try await engine.plan(desired: state, commitSHA: "c1")
            #expect(!again.hasChanges, "\(again.renderText())")
        }
    }

    @Test func aSavedPlanIsAppliedExactlyAndRefusedOnceTheStateMoved() async throws {
        let state = try desired()
        try await TestDatabase.with { client, _ in
            let engine = engine(client)
            let plan = try Plan.decode(try await engine.plan(desired: state, commitSHA: "c1").jsonData())
            // one more object appears after planning: the saved plan is stale and changes nothing
            try await DesiredStateStore(client: client).apply(
                [
                    .upsertSignKey(
                        SignKey(
                            name: "late", description: "", keyid: "0123456789ABCDEF",
                            fingerprint: "0123456789ABCDEF0123456789ABCDEF01234567", publicURL: ""))
                ],
                commitSHA: "hand")
            let stale = try await engine.apply(savedPlan: plan, trigger: "cli")
            #expect(stale.result == .failed)
            #expect(stale.errors.first?.hasPrefix("stale plan:") == true)
            #expect(try await DesiredStateStore(client: client).read().platforms.isEmpty)
        }
    }
}
