import Artifacts
import Foundation
import NIOHTTP1
import XCTest

/// One artifact store under test plus what the shared behavior suite needs besides the protocol.
protocol StoreHarness: Sendable {
    var store: any ArtifactStore { get }
    /// A prefix unique to this test run, so parallel runs against one Pulp do not collide.
    var prefix: String { get }
    /// Creates a repository WITHOUT Kiln's label, behind the store's back.
    func createUnmanagedRepository(named name: String) async throws
    /// Removes what the test created.
    func cleanup(names: [String]) async
}

/// The local filesystem store in a fresh temporary folder.
struct LocalHarness: StoreHarness {
    let root: URL
    let store: any ArtifactStore
    let prefix = "kt"

    init() {
        root = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent(
            "kiln-local-store-\(UUID().uuidString)")
        store = LocalArtifactStore(root: root)
    }

    func createUnmanagedRepository(named name: String) async throws {
        let dir = root.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let manifest =
            #"{"spec":{"name":"\#(name)","kind":"rpm","basePath":"\#(name)","labels":{}},"version":0,"content":[]}"#
        try Data(manifest.utf8).write(to: dir.appendingPathComponent("kiln-repository.json"))
    }

    func cleanup(names: [String]) async {
        try? FileManager.default.removeItem(at: root)
    }
}

/// The real Pulp started by scripts/test.sh (`KILN_TEST_PULP_URL`, `KILN_TEST_PULP_USER`,
/// `KILN_TEST_PULP_PASSWORD`).
struct PulpHarness: StoreHarness {
    let pulp: PulpArtifactStore
    var store: any ArtifactStore { pulp }
    let prefix: String

    /// Fails the test when the env is missing; skips (after a loud notice) only with KILN_SKIP_PULP=1.
    static func make(file: StaticString = #filePath, line: UInt = #line) throws -> PulpHarness {
        let env = ProcessInfo.processInfo.environment
        guard let url = env["KILN_TEST_PULP_URL"], !url.isEmpty else {
            if env["KILN_SKIP_PULP"] == "1" {
                let banner =
                    "\n*** KILN_SKIP_PULP=1: the REAL Pulp tests are SKIPPED (local quick run only; CI must not set it) ***\n"
                FileHandle.standardError.write(Data(banner.utf8))
                throw XCTSkip("KILN_SKIP_PULP=1: Pulp tests skipped")
            }
            struct MissingPulp: Error, CustomStringConvertible {
                var description: String {
                    "KILN_TEST_PULP_URL is not set: run the suite through scripts/test.sh (it starts a real Pulp and exports KILN_TEST_PULP_URL/USER/PASSWORD), or export KILN_SKIP_PULP=1 for a quick local run without Pulp"
                }
            }
            XCTFail(MissingPulp().description, file: file, line: line)
            throw MissingPulp()
        }
        let store = PulpArtifactStore(
            url: url, username: env["KILN_TEST_PULP_USER"] ?? "admin",
            password: env["KILN_TEST_PULP_PASSWORD"] ?? "admin")
        return PulpHarness(pulp: store, prefix: "kt\(UInt32.random(in: 0..<UInt32.max))")
    }

    func createUnmanagedRepository(named name: String) async throws {
        try await pulp.client.write(.POST, "/pulp/api/v3/repositories/rpm/rpm/", body: ["name": name])
    }

    func cleanup(names: [String]) async {
        try? await pulp.deleteRepositories(named: names)
        try? await pulp.shutdown()
    }
}
