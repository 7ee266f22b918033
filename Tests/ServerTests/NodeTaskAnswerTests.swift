import Foundation
import KilnTestSupport
import PostgresNIO
import Server
import Statuses
import Store
import Testing

/// The `get_task` answer PostgreSQL renders in the claim statement decodes, strictly (every
/// field of `NodeTaskAnswer` present, null ones too, no other), into the wire type Server declares.
@Suite struct NodeTaskAnswerTests {
    /// Claims the next ready `src` task and records it done (no artifacts).
    func finishSource(_ claims: TaskClaims, _ builds: BuildStore) async throws {
        let json = try #require(try await claims.claimRaw(arch: "src", node: "n1"))
        let task = try NodeTaskAnswer.strictlyDecoded(from: Data(json.utf8))
        #expect(task.arch == "src")
        try await builds.finish(TaskFinish(taskID: Int64(task.id), node: "n1", outcome: .done)) { _ in [] }
    }

    @Test func claimStatementOutputDecodesIntoTheWireType() async throws {
        try await TestDatabase.with { client, _ in
            try await Fixtures.platform(client, name: "P", arches: ["x86_64"])
            let user = try await UserStore(client: client).upsert(
                username: "alice", email: "alice@example.org", isSuperuser: false)
            let builds = BuildStore(client: client)
            let base = try await builds.create(
                BuildRequest(
                    createdBy: user.id, platforms: [.init(name: "P", archList: ["x86_64"])],
                    refs: [.init(url: "https://git.example.org/rpms/base.git", gitRef: "v1", refType: .gitTag)]))
            var platformID: Int64 = 0
            for try await id in try await client.query("SELECT id FROM platforms WHERE name = 'P'").decode(Int64.self) {
                platformID = id
            }
            let repositories = BuildRepositoryStore(client: client)
            for kind in [BuildRepositoryKind.rpm, .debug, .log] {
                try await repositories.record(
                    BuildRepositoryRecord(
                        buildID: base, platformID: platformID, arch: "x86_64", kind: kind,
                        name: "kt-\(base)-P-x86_64-\(kind.rawValue)", url: "https://p.example.org/\(kind.rawValue)/",
                        pulpHref: nil))
            }
            let child = try await builds.create(
                BuildRequest(
                    createdBy: user.id, platforms: [.init(name: "P", archList: ["x86_64"])],
                    refs: [.init(url: "https://git.example.org/rpms/child.git")], linkedBuilds: [base],
                    isSecureBoot: true))

            let clock = ManualLeaseClock()
            let claims = TaskClaims(client: client, clock: clock)
            // The base build's src task, then its arch task; the child's wait for them.
            try await finishSource(claims, builds)
            let first = try #require(try await claims.claimRaw(arch: "x86_64", node: "n1"))
            let baseTask = try NodeTaskAnswer.strictlyDecoded(from: Data(first.utf8))
            #expect(baseTask.buildID == Int(base))
            #expect(baseTask.ref.url == "https://git.example.org/rpms/base.git")
            #expect(baseTask.ref.gitRef == "v1" && baseTask.ref.refType == .gitTag && baseTask.ref.gitCommitHash == nil)
            #expect(baseTask.createdBy.name == "alice" && baseTask.createdBy.email == "alice@example.org")
            #expect(baseTask.platform.archList == ["x86_64"])
            #expect(baseTask.platform.data["mock"] != nil)
            #expect(baseTask.builtSrpmURL == nil && baseTask.srpmHash == nil && baseTask.almaCommitCasHash == nil)
            #expect(!baseTask.isCasAuthenticated && !baseTask.isSecureBoot)
            try await builds.finish(TaskFinish(taskID: Int64(baseTask.id), node: "n1", outcome: .done)) { _ in [] }
            try await finishSource(claims, builds)

            // Through the excluding statement: linked builds, their repositories (priority 8, log
            // repositories left out), then the platform's (10, debug not mock-enabled, build_log left out).
            let second = try #require(
                try await claims.claim(arches: ["x86_64"], node: "n1", excludedPackages: ["other"]))
            let childTask = try NodeTaskAnswer.strictlyDecoded(from: Data(second.utf8))
            #expect(childTask.buildID == Int(child))
            #expect(childTask.linkedBuilds == [Int(base)])
            #expect(childTask.isSecureBoot)
            #expect(childTask.ref.refType == .gitBranch)
            #expect(
                childTask.repositories.map(\.name) == [
                    "kt-\(base)-P-x86_64-rpm", "kt-\(base)-P-x86_64-debug", "P-BaseOS", "P-AppStream", "P-BaseOS-debug"
                ])
            #expect(childTask.repositories.map(\.priority) == [8, 8, 10, 10, 10])
            #expect(childTask.repositories.map(\.mockEnabled) == [true, false, true, true, false])
            // The claim stamped the lease with the lease clock's time, not PostgreSQL's.
            var leased: Date?
            for try await ts in try await client.query(
                "SELECT ts FROM build_tasks WHERE id = \(Int64(childTask.id))"
            ).decode(Date.self) { leased = ts }
            #expect(abs((leased ?? .distantPast).timeIntervalSince(clock.now())) < 0.001)
            #expect(try await claims.claimRaw(arch: "x86_64", node: "n1") == nil)
        }
    }
}
