import Artifacts
import Foundation
import KilnTestSupport
import NIOHTTP1
import PostgresNIO
import Processes
import Reconciler
import Statuses
import Store
import Testing

/// Releases declared as files (issue 13) on the real Pulp: the placement plan, the commit into
/// production repositories, idempotence, revert, the refusals, and dnf installing the released
/// package with gpgcheck on, trusting only the key from git.
@Suite(.serialized) struct ReleaseCommitTests {
    /// A release of a signed build with x86_64, i686 (multilib), noarch, debuginfo and source
    /// packages: planned (shown, nothing moves), committed (each package in the right production
    /// repositories, recorded with commit and author), committed again (no-op), installed by dnf
    /// with gpgcheck, reverted (the repositories exactly as before).
    @Test func releaseLandsEachPackageRightThenRevertsExactly() async throws {
        try await PulpReconcileLock.with { try await runReleaseLandsEachPackageRightThenRevertsExactly() }
    }

    func runReleaseLandsEachPackageRightThenRevertsExactly() async throws {
        try await ServerHarness.with(pulp: true) { h in
            let s = try await ReleaseScenario.make(h)
            defer { s.stop() }
            let before = try await s.productionContent()
            #expect(
                before.values.allSatisfy { $0.isEmpty }, "the target's production repositories start empty: \(before)")

            // planned: the placement is shown, with no refusals, and nothing moves
            try s.repo.write("releases/rel.yml", s.releaseYAML(state: "planned"))
            let plannedSHA = try s.repo.commit("plan the release")
            let plan = try await s.plan()
            let placement = try #require(plan.releases.first { $0.release == "rel\(s.tag)" }, "\(plan.releases)")
            #expect(placement.operation == .none)
            #expect(placement.refusals.isEmpty, "\(placement.refusals)")
            let placed = Dictionary(
                placement.repositories.map { ($0.storeRepository, Set($0.packages.map(\.nevra))) },
                uniquingKeysWith: { a, _ in a })
            #expect(
                placed[s.baseos] == ["relpkg-1.0-1.x86_64", "relpkg-1.0-1.i686", "relpkg-doc-1.0-1.noarch"],
                "x86_64 by the reference, i686 as multilib, noarch: \(placed)")
            #expect(placed[s.baseosI686] == ["relpkg-1.0-1.i686", "relpkg-doc-1.0-1.noarch"])
            #expect(placed[s.baseosSource] == ["relpkg-1.0-1.src"])
            #expect(placed[s.baseosDebug] == ["relpkg-debuginfo-1.0-1.x86_64"])
            #expect(placed[s.appstream] == nil, "appstream does not carry relpkg in the reference")
            let text = plan.renderText()
            #expect(text.contains("# release \"rel\(s.tag)\" is planned"), "\(text)")
            #expect(text.contains("+ relpkg-1.0-1.i686  (multilib, build \(s.buildID))"), "\(text)")
            #expect(plan.renderMarkdown().contains("##### Release `rel\(s.tag)`"))
            let planned = try await s.reconcile()
            #expect(planned.result == .applied, "\(planned.errors)")
            #expect(try await s.productionContent() == before, "a planned release moves nothing")
            #expect(try await s.releaseRow()?.status == ReleaseStatus.scheduled.rawValue)
            let stored = try await h.count(
                "SELECT count(*) FROM releases WHERE name = 'rel\(s.tag)' AND placement IS NOT NULL")
            #expect(stored == 1, "the placement is stored for the API")
            _ = plannedSHA

            // committed: every package lands, the release is recorded with the commit and its author
            try s.repo.write("releases/rel.yml", s.releaseYAML(state: "committed"))
            let commitSHA = try s.repo.commit("commit the release")
            let committed = try await s.reconcile()
            #expect(committed.result == .applied, "\(committed.errors)")
            #expect(try await s.nevras(s.baseos) == placed[s.baseos])
            #expect(try await s.nevras(s.baseosI686) == placed[s.baseosI686])
            #expect(try await s.nevras(s.baseosSource) == placed[s.baseosSource])
            #expect(try await s.nevras(s.baseosDebug) == placed[s.baseosDebug])
            #expect(try await s.nevras(s.appstream).isEmpty)
            let row = try #require(try await s.releaseRow())
            #expect(row.status == ReleaseStatus.completed.rawValue)
            #expect(row.sha == commitSHA)
            #expect(row.author == "Kiln Test <kiln-test@example.org>")
            let released = try await h.call(.GET, "/api/v1/builds/\(s.buildID)/")
            #expect(released.object["released"] as? Bool == true)
            let afterCommit = try await s.productionContent()

            // the released packages are the signed ones: the sha256 of each is the build's signed artifact
            var signedHashes: Set<String> = []
            for try await sha in try await h.client.query(
                "SELECT a.sha256 FROM artifacts a JOIN build_tasks t ON t.id = a.build_task_id WHERE t.build_id = \(s.buildID) AND a.type = 'rpm' AND a.signed"
            ).decode(String.self) { signedHashes.insert(sha) }
            for units in afterCommit.values {
                for unit in units {
                    #expect(signedHashes.contains(String(unit.split(separator: " ").last ?? "")), "\(unit)")
                }
            }

            // committing again changes nothing
            let again = try await s.reconcile()
            #expect(again.result == .noChanges, "\(again.errors) \(again.plan?.renderText() ?? "")")
            #expect(try await s.productionContent() == afterCommit)

            // dnf installs the released package from the published repository, gpgcheck on, trusting only the key from git
            let installed = try await Self.dnfInstall(s, key: s.key.publicKey)
            #expect(installed.succeeded, "\(installed.output)")
            #expect(installed.version == "relpkg 1.0 new\n")
            let stranger = try await SignFixtures.key("Stranger <stranger@kiln.invalid>")
            let refused = try await Self.dnfInstall(s, key: stranger.publicKey)
            #expect(!refused.succeeded, "a key the packages are not signed with is refused: \(refused.output)")

            // reverted: exactly what the release added is removed, the repositories are as before
            try s.repo.write("releases/rel.yml", s.releaseYAML(state: "reverted"))
            try s.repo.commit("revert the release")
            let revertPlan = try await s.plan()
            #expect(revertPlan.releases.first?.operation == .revert)
            #expect(revertPlan.renderText().contains("will be reverted"))
            let reverted = try await s.reconcile()
            #expect(reverted.result == .applied, "\(reverted.errors)")
            #expect(try await s.productionContent() == before)
            #expect(try await s.releaseRow()?.status == ReleaseStatus.reverted.rawValue)
            let unreleased = try await h.call(.GET, "/api/v1/builds/\(s.buildID)/")
            #expect(unreleased.object["released"] as? Bool == false)
            #expect(try await s.reconcile().result == .noChanges)
        }
    }

    /// Refusals are the review: an unsigned build, and a NEVRA already in the target with other
    /// content, are refused with their reasons; a release with refusals is not committed and the
    /// whole apply changes nothing. An explicit placement overrides the reference platform.
    @Test func refusalsStopTheCommitAndExplicitPlacementOverrides() async throws {
        try await PulpReconcileLock.with { try await runRefusalsStopTheCommitAndExplicitPlacementOverrides() }
    }

    func runRefusalsStopTheCommitAndExplicitPlacementOverrides() async throws {
        try await ServerHarness.with(pulp: true) { h in
            let s = try await ReleaseScenario.make(h, signed: false)
            defer { s.stop() }
            let before = try await s.productionContent()
            try s.repo.write("releases/rel.yml", s.releaseYAML(state: "committed"))
            try s.repo.commit("commit an unsigned build")
            let refused = try await s.reconcile()
            #expect(refused.result == .failed)
            #expect(
                refused.errors.contains { $0.contains("cannot be committed") && $0.contains("unsigned") },
                "\(refused.errors)")
            #expect(refused.errors.last == "nothing was applied")
            #expect(try await s.productionContent() == before, "nothing moves")
            #expect(try await s.releaseRow() == nil, "not even the release row is written")
            let plan = try await s.plan()
            let reasons = plan.releases.first?.refusals.map(\.reason) ?? []
            #expect(reasons.count == 5 && reasons.allSatisfy { $0.hasPrefix("unsigned") }, "\(reasons)")
            #expect(plan.renderText().contains("~ refused: relpkg-1.0-1.x86_64 (build \(s.buildID)): unsigned"))

            // signed now; a different relpkg-1.0-1.x86_64 already sits in the target: a conflict
            try await s.sign(s.buildID)
            let other = s.packages.appendingPathComponent("other")
            try ReleaseScenario.buildRPMs(version: "1.0", note: "impostor", top: other)
            let impostor = try await h.store.uploadArtifact(file: ReleaseScenario.rpm(other, "relpkg", "1.0", "x86_64"))
            _ = try await h.store.importPackages(
                [ImportItem(artifactHref: impostor.href, sha256: impostor.sha256, fileName: "relpkg-1.0-1.x86_64.rpm")],
                into: s.baseos)
            let conflicted = try await s.plan()
            let conflict = conflicted.releases.first?.refusals ?? []
            #expect(
                conflict.count == 1 && conflict.first?.reason.hasPrefix("conflict: \(s.baseos) already holds") == true,
                "\(conflict)")
            let withImpostor = try await s.productionContent()
            #expect(try await s.reconcile().result == .failed)
            #expect(try await s.productionContent() == withImpostor)

            // an explicit placement (into appstream) overrides the reference platform's baseos
            try s.repo.write(
                "releases/rel.yml",
                s.releaseYAML(
                    state: "committed",
                    packages: """
                        packages:
                          - {name: relpkg, arch: x86_64, repositories: [p\(s.tag)-appstream]}
                          - {name: relpkg, arch: i686, repositories: [p\(s.tag)-baseos]}
                          - {name: relpkg-doc, arch: noarch, skip: true}
                        """))
            try s.repo.commit("place relpkg in appstream")
            let placedPlan = try await s.plan()
            #expect(placedPlan.releases.first?.refusals == [], "\(placedPlan.releases.first?.refusals ?? [])")
            let committed = try await s.reconcile()
            #expect(committed.result == .applied, "\(committed.errors)")
            #expect(try await s.nevras(s.appstream) == ["relpkg-1.0-1.x86_64"])
            #expect(try await s.nevras(s.baseosI686) == ["relpkg-1.0-1.i686"], "no doc: skipped")
            #expect(try await s.nevras(s.baseos) == ["relpkg-1.0-1.x86_64"], "the impostor stays, untouched")
        }
    }

    /// dnf installs `relpkg` into a scratch root from the released x86_64 repository with
    /// gpgcheck on and `key` as the only trusted key; the installed version file's text.
    static func dnfInstall(
        _ s: ReleaseScenario, key: String
    ) async throws -> (succeeded: Bool, output: String, version: String?) {
        let repository = try #require(try await s.h.store.repository(named: s.baseos))
        let base = try #require(repository.url)
        let scratch = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent(
            "kiln-dnf-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let keyFile = scratch.appendingPathComponent("RPM-GPG-KEY")
        try Data(key.utf8).write(to: keyFile)
        let config = scratch.appendingPathComponent("dnf.conf")
        try """
        [main]
        gpgcheck=1
        reposdir=/nonexistent
        install_weak_deps=0

        [released]
        name=released
        baseurl=\(base)
        gpgcheck=1
        repo_gpgcheck=0
        gpgkey=file://\(keyFile.path)

        """.write(to: config, atomically: true, encoding: .utf8)
        let root = scratch.appendingPathComponent("root")
        let dnf = try await ProcessRunner.run(
            "/usr/bin/env",
            [
                "dnf", "-y", "-c", config.path, "--installroot", root.path, "--releasever", "9", "--noplugins",
                "--setopt=cachedir=\(scratch.path)/cache", "--repo", "released", "install", "relpkg"
            ])
        let version = try? String(
            contentsOf: root.appendingPathComponent("usr/share/relpkg/version.txt"), encoding: .utf8)
        return (dnf.succeeded, dnf.output, version)
    }
}

/// A release commit killed with SIGKILL (`KILN_FAULT_KILL_AT`) at three points of a real
/// `kiln apply` is finished by the next `kiln apply`: never left in progress, nothing twice.
/// In the same serialized suite: reconciles against the shared Pulp prune each other's empty
/// desired-state repositories, so they never run side by side.
extension ReleaseCommitTests {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let kiln = packageRoot.appendingPathComponent(".build/debug/kiln").path

    @Test func aCommitKilledAtThreePointsIsFinishedByTheNextRun() async throws {
        try await PulpReconcileLock.with { try await runACommitKilledAtThreePointsIsFinishedByTheNextRun() }
    }

    func runACommitKilledAtThreePointsIsFinishedByTheNextRun() async throws {
        #expect(FileManager.default.isExecutableFile(atPath: Self.kiln), "build kiln first: \(Self.kiln)")
        try await ServerHarness.with(pulp: true) { h in
            let s = try await ReleaseScenario.make(h)
            defer { s.stop() }
            let home = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-kill-\(s.tag)")
            defer { try? FileManager.default.removeItem(at: home) }
            let process = ProcessInfo.processInfo.environment
            let env = [
                "KILN_HOME": home.path, "KILN_DATABASE_URL": h.databaseURL,
                "KILN_PULP_URL": process["KILN_TEST_PULP_URL"] ?? "",
                "KILN_PULP_USER": process["KILN_TEST_PULP_USER"] ?? "admin",
                "KILN_PULP_PASSWORD": process["KILN_TEST_PULP_PASSWORD"] ?? "admin",
                "KILN_FAULT_KILL_AT": ""
            ]
            func kiln(_ extra: [String: String] = [:]) throws -> ProcessResult {
                try ProcessRunner.runSync(
                    Self.kiln, ["apply", "--repo", s.repo.path],
                    environment: process.merging(env.merging(extra) { $1 }) { $1 }, combineErrors: false)
            }
            let before = try await s.productionContent()
            var committed: [String: Set<String>]?
            for point in ["journal-written", "repository-done", "before-finish"] {
                try s.repo.write("releases/rel.yml", s.releaseYAML(state: "committed"))
                try s.repo.commit("commit (\(point))")
                let killed = try kiln(["KILN_FAULT_KILL_AT": point])
                #expect(killed.status == 128 + 9, "\(point): killed by SIGKILL: \(killed.status) \(killed.errors)")
                let row = try #require(try await s.releaseRow())
                #expect(row.status == ReleaseStatus.inProgress.rawValue, "\(point): left in progress")
                #expect(row.operation == "commit")
                let half = try await s.productionContent()
                if point == "journal-written" { #expect(half == before, "nothing moved before the store was touched") }
                if point == "repository-done" {
                    #expect(half != before, "one repository was done")
                    if let committed { #expect(half != committed, "but not all of them") }
                }

                let resumed = try kiln()
                #expect(resumed.status == 0, "\(point): \(resumed.output) \(resumed.errors)")
                #expect(try await s.releaseRow()?.status == ReleaseStatus.completed.rawValue, "\(point): finished")
                let after = try await s.productionContent()
                #expect(after != before)
                if let committed { #expect(after == committed, "\(point): the same result as every other commit") }
                committed = after
                let units = try await h.count(
                    "SELECT count(*) FROM release_units u JOIN releases r ON r.id = u.release_id WHERE r.name = 'rel\(s.tag)'"
                )
                #expect(units == after.values.reduce(0) { $0 + $1.count }, "\(point): each unit journaled once")
                let again = try kiln()
                #expect(again.status == 0 && again.output.contains("Nothing to apply"), "\(again.output)")

                try s.repo.write("releases/rel.yml", s.releaseYAML(state: "reverted"))
                try s.repo.commit("revert (\(point))")
                let reverted = try kiln()
                #expect(reverted.status == 0, "\(reverted.output) \(reverted.errors)")
                #expect(try await s.productionContent() == before, "\(point): the revert restores the repositories")
            }
        }
    }
}

/// Distributions carry builds (their file's `builds:`): a build added goes into the
/// distribution's own repositories by arch (noarch everywhere, debug apart, source apart), and
/// removed again leaves them exactly as they were. The same serialized suite (one Pulp).
extension ReleaseCommitTests {
    @Test func aBuildAddedToADistributionAndRemovedLeavesItsRepositoriesAsTheyWere() async throws {
        try await PulpReconcileLock.with {
            try await runABuildAddedToADistributionAndRemovedLeavesItsRepositoriesAsTheyWere()
        }
    }

    func runABuildAddedToADistributionAndRemovedLeavesItsRepositoriesAsTheyWere() async throws {
        try await ServerHarness.with(pulp: true) { h in
            let s = try await ReleaseScenario.make(h)
            defer { s.stop() }
            let name = "d\(s.tag)"
            func repo(_ arch: String, debug: Bool = false) -> String {
                DistributionPlacer.storeName(distribution: name, platform: s.target, arch: arch, debug: debug)
            }
            let repositories = [
                repo("x86_64"), repo("i686"), repo("src"), repo("x86_64", debug: true), repo("i686", debug: true)
            ]
            func content() async throws -> [String: Set<String>] {
                var out: [String: Set<String>] = [:]
                for r in repositories {
                    out[r] = (try? await h.store.listContent(of: r)).map { Set($0.compactMap(\.nevra)) } ?? []
                }
                return out
            }
            // a package already in the distribution before: the removal keeps it
            _ = try await h.store.ensureRepository(
                DistributionPlacer.spec(distribution: name, platform: s.target, arch: "x86_64", debug: false))
            let old = ReleaseScenario.rpm(s.packages.appendingPathComponent("reference"), "relpkg", "0.9", "x86_64")
            let uploaded = try await h.store.uploadArtifact(file: old)
            _ = try await h.store.importPackages(
                [ImportItem(artifactHref: uploaded.href, sha256: uploaded.sha256, fileName: old.lastPathComponent)],
                into: repo("x86_64"))
            let before = try await content()
            #expect(before[repo("x86_64")] == ["relpkg-0.9-1.x86_64"])
            try s.repo.write("distributions/d.yml", "name: \(name)\nplatforms: [\(s.target)]\nbuilds: [\(s.buildID)]\n")
            try s.repo.commit("add the build to the distribution")
            let plan = try await s.plan()
            let change = try #require(plan.distributions.first, "\(plan.renderText())")
            #expect(change.operation == .add && change.refusals.isEmpty, "\(change.refusals)")
            #expect(plan.renderText().contains("# distribution \"\(name)\": build \(s.buildID) will be added"))
            let added = try await s.reconcile()
            #expect(added.result == .applied, "\(added.errors)")
            let after = try await content()
            #expect(
                after[repo("x86_64")] == ["relpkg-0.9-1.x86_64", "relpkg-1.0-1.x86_64", "relpkg-doc-1.0-1.noarch"],
                "\(after)")
            #expect(after[repo("i686")] == ["relpkg-1.0-1.i686", "relpkg-doc-1.0-1.noarch"])
            #expect(after[repo("src")] == ["relpkg-1.0-1.src"])
            #expect(after[repo("x86_64", debug: true)] == ["relpkg-debuginfo-1.0-1.x86_64"])
            #expect(try await s.reconcile().result == .noChanges, "added once")

            try s.repo.write("distributions/d.yml", "name: \(name)\nplatforms: [\(s.target)]\n")
            try s.repo.commit("remove the build from the distribution")
            let removePlan = try await s.plan()
            #expect(removePlan.distributions.map(\.operation) == [.remove])
            let removed = try await s.reconcile()
            #expect(removed.result == .applied, "\(removed.errors)")
            #expect(try await content() == before, "as they were")
            #expect(try await h.count("SELECT count(*) FROM distribution_units WHERE distribution = '\(name)'") == 0)
            #expect(try await s.reconcile().result == .noChanges)
        }
    }
}
