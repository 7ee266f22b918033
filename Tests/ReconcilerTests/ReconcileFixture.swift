import Artifacts
import Foundation
import GitSource
import KilnTestSupport
import Logging
import PostgresNIO
import Reconciler
import Spec
import Store
import XCTest

/// A desired-state git repository seeded with `examples/`, a reader, and helpers to build engines.
struct ReconcileFixture {
    let repo: TestGitRepository
    let reader: DesiredStateReader
    let storeRoot: URL

    static var examples: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("examples").path
    }

    static func make() throws -> ReconcileFixture {
        let repo = try TestGitRepository.make()
        try repo.copy(contentsOf: examples)
        _ = try repo.commit("examples")
        let storeRoot = FileManager.default.temporaryDirectory
            .appendingPathComponent("kiln-store-\(UUID().uuidString)", isDirectory: true)
        return ReconcileFixture(
            repo: repo, reader: DesiredStateReader(repository: try GitRepository(path: repo.path)),
            storeRoot: storeRoot)
    }

    func cleanup() {
        repo.delete()
        try? FileManager.default.removeItem(at: storeRoot)
    }

    var localStore: LocalArtifactStore { LocalArtifactStore(root: storeRoot) }

    func engine(_ client: PostgresClient, store: (any ArtifactStore)? = nil) -> ReconcileEngine {
        var logger = Logger(label: "test.reconcile")
        logger.logLevel = .critical
        return ReconcileEngine(
            database: PostgresStateDatabase(client: client, logger: logger),
            store: store ?? localStore, logger: logger)
    }

    /// Reads HEAD and fails the test on any diagnostic.
    func desired(file: StaticString = #filePath, line: UInt = #line) async throws -> DesiredStateSnapshot {
        let snapshot = try await reader.read(ref: "HEAD")
        XCTAssertEqual(snapshot.result.diagnostics, [], file: file, line: line)
        return snapshot
    }

    /// A small extra platform with two repositories (x86_64 BaseOS and its debug twin).
    static func platformYAML(_ name: String, version: String = "1") -> String {
        """
        name: \(name)
        type: rpm
        distr_type: rhel
        distr_version: '\(version)'
        test_dist_name: almalinux
        arch_list: [x86_64]
        data:
          mock_dist: el\(version)
        repos:
          - name: \(name.lowercased())-baseos
            arch: x86_64
            url: https://example.org/\(name)/BaseOS/x86_64/os/
            type: rpm
            debug: false
            production: false
          - name: \(name.lowercased())-baseos-debuginfo
            arch: x86_64
            url: https://example.org/\(name)/BaseOS/debug/x86_64/
            type: rpm
            debug: true
            production: true

        """
    }
}

extension PostgresClient {
    /// A build by a new user `alice` with one x86_64 task on `platform`: what keeps a platform.
    func addBuildTask(platform: String) async throws {
        try await query("INSERT INTO users (username) VALUES ('alice')")
        try await query("INSERT INTO builds (created_by) SELECT id FROM users WHERE username = 'alice'")
        try await query("INSERT INTO build_task_refs (url) VALUES ('https://git.example.org/bash.git')")
        try await query(
            """
            INSERT INTO build_tasks (build_id, platform_id, ref_id, arch, index)
            SELECT (SELECT max(id) FROM builds), p.id, (SELECT max(id) FROM build_task_refs), 'x86_64', 0
            FROM platforms p WHERE p.name = \(platform)
            """)
    }

    /// The first column of the first row as Int (a count).
    func count(_ query: PostgresQuery) async throws -> Int {
        for try await n in try await self.query(query).decode(Int64.self) { return Int(n) }
        return -1
    }

    func string(_ query: PostgresQuery) async throws -> String? {
        for try await s in try await self.query(query).decode(String?.self) { return s }
        return nil
    }
}

/// `XCTAssertEqual` for a value that needs `await`.
func expectEqual<T: Equatable>(
    _ value: @autoclosure () async throws -> T, _ expected: @autoclosure () throws -> T,
    _ message: String = "", file: StaticString = #filePath, line: UInt = #line
) async throws {
    let v = try await value()
    XCTAssertEqual(v, try expected(), message, file: file, line: line)
}

/// `XCTAssertNotNil` for a value that needs `await`.
func expectNotNil<T>(
    _ value: @autoclosure () async throws -> T?, file: StaticString = #filePath, line: UInt = #line
) async throws {
    let v = try await value()
    XCTAssertNotNil(v, file: file, line: line)
}
