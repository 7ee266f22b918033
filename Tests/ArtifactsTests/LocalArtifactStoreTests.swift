import Foundation
import Artifacts
import XCTest

/// The shared behaviour suite against the local filesystem store.
final class LocalArtifactStoreTests: XCTestCase {
    func testEnsureTwiceIsOneObject() async throws { try await StoreBehaviour.ensureTwiceIsOneObject(LocalHarness()) }
    func testListFindsOnlyManaged() async throws { try await StoreBehaviour.listFindsOnlyManaged(LocalHarness()) }
    func testUpdateApplies() async throws { try await StoreBehaviour.updateApplies(LocalHarness()) }
    func testDeleteRemovesEverything() async throws { try await StoreBehaviour.deleteRemovesEverything(LocalHarness()) }
    func testImportPackages() async throws { try await StoreBehaviour.importPackages(LocalHarness()) }
    func testChecksumMismatchRefused() async throws { try await StoreBehaviour.checksumMismatchRefused(LocalHarness()) }
    func testLogRepository() async throws { try await StoreBehaviour.logRepository(LocalHarness()) }

    func testImportedFilesAreOnDisk() async throws {
        let h = LocalHarness()
        defer { try? FileManager.default.removeItem(at: h.root) }
        let rpm = try TestRPM.get()
        _ = try await h.store.ensureRepository(StoreRepositorySpec(name: "build-7-x86_64"))
        let art = try await h.store.uploadArtifact(file: rpm.noarch)
        _ = try await h.store.importPackages([ImportItem(artifactHref: art.href, sha256: art.sha256, fileName: rpm.noarch.lastPathComponent)], into: "build-7-x86_64")
        let copy = h.root.appendingPathComponent("build-7-x86_64/content/\(rpm.noarch.lastPathComponent)")
        XCTAssertEqual(try Data(contentsOf: copy), try Data(contentsOf: rpm.noarch))
    }

    func testInvalidNamesRefused() async throws {
        let h = LocalHarness()
        for bad in ["", "../escape", ".hidden", "a/b"] {
            do {
                _ = try await h.store.ensureRepository(StoreRepositorySpec(name: bad))
                XCTFail("'\(bad)' accepted")
            } catch let error as ArtifactStoreError {
                XCTAssertEqual(error, .invalidName(bad))
            }
        }
    }
}

/// RPM header reading and configuration.
final class PulpModuleUnitTests: XCTestCase {
    func testRPMHeaderReadsNEVRA() throws {
        let rpm = try TestRPM.get()
        let bin = try RPMHeader(data: Data(contentsOf: rpm.noarch))
        XCTAssertEqual([bin.name, bin.epoch, bin.version, bin.release, bin.arch], ["kiln-fixture", "3", "1.0", "1", "noarch"])
        let src = try RPMHeader(data: Data(contentsOf: rpm.source))
        XCTAssertEqual(src.arch, "src")
        XCTAssertThrowsError(try RPMHeader(data: Data("not an rpm at all, just some text here".utf8)))
    }

    func testConfigFromEnvironment() {
        XCTAssertEqual(ArtifactStoreConfig.fromEnvironment(["KILN_HOME": "/srv/kiln"]),
                       .local(root: URL(fileURLWithPath: "/srv/kiln/artifacts", isDirectory: true)))
        XCTAssertEqual(ArtifactStoreConfig.fromEnvironment(["KILN_PULP_URL": "http://pulp:24817", "KILN_PULP_PASSWORD": "pw"]),
                       .pulp(url: "http://pulp:24817", username: "admin", password: "pw"))
        XCTAssertEqual(ArtifactStoreConfig.fromEnvironment([:]),
                       .local(root: URL(fileURLWithPath: ".kiln/artifacts", isDirectory: true)))
    }

    func testBoundedMapKeepsOrderAndLimit() async throws {
        actor Gauge { var now = 0, peak = 0
            func enter() { now += 1; peak = max(peak, now) }
            func leave() { now -= 1 } }
        let g = Gauge()
        let out = try await boundedMap(Array(0..<20), maxConcurrent: 3) { i -> Int in
            await g.enter()
            try await Task.sleep(for: .milliseconds(2))
            await g.leave()
            return i * 2
        }
        XCTAssertEqual(out, (0..<20).map { $0 * 2 })
        let peak = await g.peak
        XCTAssertLessThanOrEqual(peak, 3)
    }
}
