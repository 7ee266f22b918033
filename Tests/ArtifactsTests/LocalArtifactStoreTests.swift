import Foundation
import NIOCore
import Testing
import XCTest

@testable import Artifacts

/// The shared behavior suite against the local filesystem store.
final class LocalArtifactStoreTests: XCTestCase {
    func testEnsureTwiceIsOneObject() async throws { try await StoreBehavior.ensureTwiceIsOneObject(LocalHarness()) }
    func testListFindsOnlyManaged() async throws { try await StoreBehavior.listFindsOnlyManaged(LocalHarness()) }
    func testUpdateApplies() async throws { try await StoreBehavior.updateApplies(LocalHarness()) }
    func testDeleteRemovesEverything() async throws { try await StoreBehavior.deleteRemovesEverything(LocalHarness()) }
    func testImportPackages() async throws { try await StoreBehavior.importPackages(LocalHarness()) }
    func testChecksumMismatchRefused() async throws { try await StoreBehavior.checksumMismatchRefused(LocalHarness()) }
    func testLogRepository() async throws { try await StoreBehavior.logRepository(LocalHarness()) }

    func testImportedFilesAreOnDisk() async throws {
        let h = LocalHarness()
        defer { try? FileManager.default.removeItem(at: h.root) }
        let rpm = try TestRPM.get()
        _ = try await h.store.ensureRepository(StoreRepositorySpec(name: "build-7-x86_64"))
        let art = try await h.store.uploadArtifact(file: rpm.noarch)
        _ = try await h.store.importPackages(
            [ImportItem(artifactHref: art.href, sha256: art.sha256, fileName: rpm.noarch.lastPathComponent)],
            into: "build-7-x86_64")
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
        XCTAssertEqual(
            [bin.name, bin.epoch, bin.version, bin.release, bin.arch], ["kiln-fixture", "3", "1.0", "1", "noarch"])
        let src = try RPMHeader(data: Data(contentsOf: rpm.source))
        XCTAssertEqual(src.arch, "src")
        XCTAssertThrowsError(try RPMHeader(data: Data("not an rpm at all, just some text here".utf8)))
    }

    func testLocalConfigUnderHome() {
        XCTAssertEqual(
            ArtifactStoreConfig.local(home: "/srv/kiln"),
            .local(root: URL(fileURLWithPath: "/srv/kiln/artifacts", isDirectory: true)))
        XCTAssertEqual(
            ArtifactStoreConfig.local(home: "./.kiln"),
            .local(root: URL(fileURLWithPath: "./.kiln/artifacts", isDirectory: true)))
    }

    func testBoundedMapKeepsOrderAndLimit() async throws {
        actor Gauge {
            var now = 0, peak = 0
            func enter() {
                now += 1
                peak = max(peak, now)
            }
            func leave() { now -= 1 }
        }
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

/// The local store's file work runs on its own thread, not on Swift's cooperative pool.
@Suite struct LocalArtifactStoreThreadTests {
    @Test func isolatedCodeRunsOnTheIOThread() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-local-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let store = LocalArtifactStore(root: root)
        #expect(await store.isOnIOThread())
        // and the work itself: an upload hashes and copies there
        let file = root.appendingPathExtension("bin")
        try Data(repeating: 7, count: 1 << 20).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let uploaded = try await store.uploadArtifact(file: file)
        #expect(uploaded.size == 1 << 20)
        #expect(!LocalArtifactStore.ioLoop.inEventLoop)  // the test itself is not on it
    }
}
