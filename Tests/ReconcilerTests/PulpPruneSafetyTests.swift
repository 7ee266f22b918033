import Artifacts
import Foundation
import GitSource
import KilnTestSupport
import Logging
import PostgresNIO
import Reconciler
import Spec
import Statuses
import Store
import XCTest

/// Prune that cannot destroy content (issue 12), against the real Pulp: a production repository
/// holding a package is kept when its repository is renamed, and deleted only once `retired/`
/// lists it.
extension PulpReconcileTests {
    func platformWithProductionRepository(_ name: String, repo: String) -> String {
        """
        name: \(name)
        type: rpm
        distr_type: rhel
        distr_version: '1'
        test_dist_name: almalinux
        arch_list: [x86_64]
        repos:
          - name: \(repo)
            arch: x86_64
            url: https://example.org/\(name)/prod/x86_64/
            type: rpm
            production: true

        """
    }

    func testAProductionRepositoryHoldingAPackageIsKeptOnRenameAndDeletedOnlyWhenRetired() async throws {
        try await PulpReconcileLock.with {
            try await runAProductionRepositoryHoldingAPackageIsKeptOnRenameAndDeletedOnlyWhenRetired()
        }
    }

    func runAProductionRepositoryHoldingAPackageIsKeptOnRenameAndDeletedOnlyWhenRetired() async throws {
        let pulp = try pulp()
        let repo = try TestGitRepository.make()
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-prune-\(UUID())")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer {
            repo.delete()
            try? FileManager.default.removeItem(at: scratch)
        }
        let name = "PS\(UInt32.random(in: 0..<UInt32.max))"
        let lower = name.lowercased()
        let oldStore = "\(lower)-prod-x86_64"
        let newStore = "\(lower)-released-x86_64"
        var quiet = Logger(label: "test.pulp-prune")
        quiet.logLevel = .critical
        try repo.write("platforms/p.yml", platformWithProductionRepository(name, repo: "\(lower)-prod"))
        _ = try repo.commit("a platform with a production repository")
        let reader = DesiredStateReader(repository: try GitRepository(path: repo.path))
        do {
            try await TestDatabase.with { client, _ in
                let engine = ReconcileEngine(
                    database: PostgresStateDatabase(client: client), store: pulp, logger: quiet)
                let s1 = try await reader.read()
                let first = try await engine.reconcile(
                    desired: s1.result.state, commitSHA: s1.commitSHA, trigger: "cli")
                XCTAssertEqual(first.result, .applied, "\(first.errors)")

                // a released package in the production repository
                let rpm = try XCTUnwrap(try RPMBuild.packages(count: 1, prefix: lower, in: scratch).first)
                let artifact = try await pulp.uploadArtifact(file: rpm)
                _ = try await pulp.importPackages(
                    [ImportItem(artifactHref: artifact.href, sha256: artifact.sha256, fileName: rpm.lastPathComponent)],
                    into: oldStore)
                try await expectEqual(try await pulp.contentCount(of: oldStore), 1)

                // renamed in git: the new repository is created, the old one kept with its package
                try repo.write("platforms/p.yml", platformWithProductionRepository(name, repo: "\(lower)-released"))
                _ = try repo.commit("rename the production repository")
                let s2 = try await reader.read()
                let plan = try await engine.plan(desired: s2.result.state, commitSHA: s2.commitSHA)
                let kept = try XCTUnwrap(plan.changes.first { $0.kind == .storeRepository && $0.name == oldStore })
                XCTAssertEqual(kept.action, .keep, plan.renderText())
                XCTAssertEqual(kept.reason, "kept: holds 1 package; list it under retired: to delete")
                XCTAssertTrue(
                    plan.renderText().contains("\"\(oldStore)\" is renamed to \"\(newStore)\""), plan.renderText())
                XCTAssertTrue(
                    plan.renderMarkdown().contains(
                        "| store_repository | `\(oldStore)` | kept: holds 1 package; list it under retired: to delete |"
                    ))
                let renamed = try await engine.apply(savedPlan: plan, trigger: "cli")
                XCTAssertEqual(renamed.result, .applied, "\(renamed.errors)")
                try await expectEqual(try await pulp.contentCount(of: oldStore), 1)
                try await expectNotNil(try await pulp.repository(named: newStore))
                let again = try await engine.plan(desired: s2.result.state, commitSHA: s2.commitSHA)
                XCTAssertFalse(
                    again.changes.contains { $0.name.hasPrefix(lower) && $0.action != .keep }, again.renderText())

                // a retired list naming the repository makes the deletion a reviewed change
                try repo.write("retired/\(lower).yml", "store_repositories:\n  - \(oldStore)\n")
                _ = try repo.commit("retire the old production repository")
                let s3 = try await reader.read()
                XCTAssertEqual(s3.result.diagnostics, [])
                let retire = try await engine.plan(desired: s3.result.state, commitSHA: s3.commitSHA)
                let gone = try XCTUnwrap(retire.changes.first { $0.kind == .storeRepository && $0.name == oldStore })
                XCTAssertEqual(gone.action, .delete, retire.renderText())
                XCTAssertEqual(gone.reason, "retired: deleted with the 1 package it holds")
                let deleted = try await engine.apply(savedPlan: retire, trigger: "cli")
                XCTAssertEqual(deleted.result, .applied, "\(deleted.errors)")
                try await expectEqual(try await pulp.repository(named: oldStore) == nil, true)
                try await expectNotNil(try await pulp.repository(named: newStore))
            }
        } catch {
            try? await pulp.deleteRepositories(named: [oldStore, newStore])
            try? await pulp.shutdown()
            throw error
        }
        try? await pulp.deleteRepositories(named: [oldStore, newStore])
        try? await pulp.shutdown()
    }
}
