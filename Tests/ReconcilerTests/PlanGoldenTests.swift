import Artifacts
import Foundation
import KilnTestSupport
import PostgresNIO
import Processes
import Reconciler
import Spec
import Statuses
import Store
import XCTest

/// The text, JSON and markdown plans of real changes to `examples/`, planned against a real
/// PostgreSQL (and the local artifact store) after `examples/` was applied, compared with the
/// files in `Tests/Golden/plan/`. `KILN_UPDATE_GOLDEN=1` rewrites them (then review the diff).
final class PlanGoldenTests: XCTestCase {
    static let goldenFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Golden/plan", isDirectory: true)

    func testOneNestedNumberChanged() async throws {
        let plan = try await planAfter { f, _, _ in
            try f.edit("platforms/almalinux-9.yml", "  timeout: 43200\n", "  timeout: 50000\n")
        }
        let text = plan.renderText()
        XCTAssertTrue(text.contains("      ~ data.timeout = 43200 -> 50000\n"), text)
        XCTAssertTrue(text.contains("# (12 unchanged attributes hidden)"), text)
        XCTAssertFalse(text.contains("chroot_setup_cmd"), text)
        XCTAssertEqual(plan.toChange, 1)
        try compareGolden("nested-number", plan)
    }

    func testKeyAddedToNestedMap() async throws {
        let plan = try await planAfter { f, _, _ in
            try f.edit(
                "platforms/almalinux-9.yml", "      '%modsign_os': almalinux9\n",
                "      '%modsign_os': almalinux9\n      '%foo': '1'\n")
        }
        let text = plan.renderText()
        XCTAssertTrue(text.contains("      + data.mock.macros.\"%foo\" = \"1\"\n"), text)
        let change = try XCTUnwrap(plan.changes.first)
        XCTAssertEqual(change.diff.changes.map(\.path), [["data", "mock", "macros", "%foo"]])
        try compareGolden("nested-key-added", plan)
    }

    func testRepositoryRenamedWhileItsStoreRepositoryHoldsAPackage() async throws {
        let plan = try await planAfter { f, store, scratch in
            let rpm = try XCTUnwrap(try RPMBuild.packages(count: 1, prefix: "golden", in: scratch).first)
            let artifact = try await store.uploadArtifact(file: rpm)
            _ = try await store.importPackages(
                [ImportItem(artifactHref: artifact.href, sha256: artifact.sha256, fileName: rpm.lastPathComponent)],
                into: "almalinux-9-devel-x86_64")
            try f.edit("platforms/almalinux-9.yml", "name: almalinux-9-devel\n", "name: almalinux-9-devel-next\n")
        }
        let text = plan.renderText()
        XCTAssertTrue(
            text.contains(
                "-/+ repository \"almalinux-9-devel-next/aarch64\" (renamed from \"almalinux-9-devel/aarch64\") {"),
            text)
        XCTAssertTrue(text.contains("      ~ name = \"almalinux-9-devel\" -> \"almalinux-9-devel-next\""), text)
        let kept = try XCTUnwrap(plan.changes.first { $0.name == "almalinux-9-devel-x86_64" })
        XCTAssertEqual(kept.action, .keep)
        XCTAssertEqual(kept.reason, "kept: holds 1 package; list it under retired: to delete")
        XCTAssertEqual(plan.renames.filter { $0.kind == .repository }.count, 5)
        XCTAssertEqual(plan.renames.filter { $0.kind == .storeRepository }.count, 5)
        try compareGolden("repository-renamed", plan)
    }

    func testArchAddedToArchList() async throws {
        let plan = try await planAfter { f, _, _ in
            try f.edit("platforms/almalinux-8.yml", "  - i686\n", "  - i686\n  - riscv64\n")
        }
        let text = plan.renderText()
        XCTAssertTrue(text.contains("      ~ arch_list = [\n          + \"riscv64\",\n"), text)
        XCTAssertTrue(text.contains("# (5 unchanged elements hidden)"), text)
        try compareGolden("arch-added", plan)
    }

    func testPlatformDeletedWhileBuildsUseIt() async throws {
        let plan = try await planAfter(
            base: { f in try f.repo.write("platforms/busy.yml", ReconcileFixture.platformYAML("Busy")) },
            change: { f, _, _ in try f.repo.remove("platforms/busy.yml") },
            between: { client in
                try await client.addBuildTask(platform: "Busy")
            })
        XCTAssertFalse(plan.hasChanges, plan.renderText())
        let markdown = plan.renderMarkdown()
        XCTAssertTrue(markdown.contains("| platform | `Busy` | not deleted: used by 1 build task(s) |"), markdown)
        try compareGolden("platform-deleted-in-use", plan)
    }

    // MARK: - helpers

    /// Applies `examples/` (plus `base`), runs `between` on the database, commits `change`,
    /// and plans it.
    func planAfter(
        base: (ReconcileFixture) throws -> Void = { _ in },
        change: (ReconcileFixture, LocalArtifactStore, URL) async throws -> Void,
        between: (PostgresClient) async throws -> Void = { _ in }
    ) async throws -> Plan {
        let f = try ReconcileFixture.make()
        defer { f.cleanup() }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-golden-\(UUID())")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        try base(f)
        _ = try f.repo.commit("base")
        let s1 = try await f.desired()
        let store = f.localStore
        return try await TestDatabase.with { client, _ in
            let engine = f.engine(client, store: store)
            let applied = try await engine.reconcile(desired: s1.result.state, commitSHA: s1.commitSHA, trigger: "cli")
            XCTAssertEqual(applied.result, .applied, "\(applied.errors)")
            try await between(client)
            try await change(f, store, scratch)
            _ = try f.repo.commit("change")
            let s2 = try await f.desired()
            return try await engine.plan(desired: s2.result.state, commitSHA: s2.commitSHA)
        }
    }

    func compareGolden(_ name: String, _ plan: Plan, file: StaticString = #filePath, line: UInt = #line) throws {
        let outputs = [
            ("txt", plan.renderText()), ("md", plan.renderMarkdown()), ("json", try Self.reviewJSON(plan))
        ]
        for (ext, raw) in outputs {
            let body = raw.replacingOccurrences(of: plan.commitSHA, with: "<commit>")
                .replacingOccurrences(of: String(plan.commitSHA.prefix(12)), with: "<commit>")
                .replacingOccurrences(of: plan.fingerprint, with: "<fingerprint>")
            let url = Self.goldenFolder.appendingPathComponent("\(name).\(ext)")
            if ProcessInfo.processInfo.environment["KILN_UPDATE_GOLDEN"] == "1" {
                try FileManager.default.createDirectory(at: Self.goldenFolder, withIntermediateDirectories: true)
                try body.write(to: url, atomically: true, encoding: .utf8)
                continue
            }
            let expected = try String(contentsOf: url, encoding: .utf8)
            XCTAssertEqual(
                body, expected, "\(url.path) differs (KILN_UPDATE_GOLDEN=1 rewrites it)", file: file, line: line)
            for (i, text) in body.split(separator: "\n").enumerated() where ext == "txt" {
                XCTAssertLessThanOrEqual(
                    text.count, 120, "\(name).txt line \(i + 1) is too long", file: file, line: line)
            }
        }
    }

    /// `kiln plan --format json` without the records (`desired`, `actual`) and the whole-value
    /// `fields`: the review model (each change's `diff` with path, before, after).
    static func reviewJSON(_ plan: Plan) throws -> String {
        let object = try JSONSerialization.jsonObject(with: plan.jsonData())
        guard var top = object as? [String: Any], let changes = top["changes"] as? [[String: Any]] else {
            throw CocoaError(.coderReadCorrupt)
        }
        top["changes"] = changes.map { $0.filter { !["desired", "actual", "fields"].contains($0.key) } }
        let data = try JSONSerialization.data(
            withJSONObject: top, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}

extension ReconcileFixture {
    /// Replaces the one occurrence of `old` in `path` (fails when it is not there exactly once).
    func edit(_ path: String, _ old: String, _ new: String) throws {
        let url = URL(fileURLWithPath: repo.path).appendingPathComponent(path)
        let text = try String(contentsOf: url, encoding: .utf8)
        let parts = text.components(separatedBy: old)
        guard parts.count >= 2 else { throw CocoaError(.fileReadUnknown, userInfo: ["missing": old]) }
        try repo.write(path, parts.joined(separator: new))
    }
}
