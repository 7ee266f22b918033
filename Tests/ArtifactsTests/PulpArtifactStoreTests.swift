import Artifacts
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import XCTest

/// The shared behavior suite against the REAL Pulp that scripts/test.sh starts.
final class PulpArtifactStoreTests: XCTestCase {
    func testEnsureTwiceIsOneObject() async throws {
        try await StoreBehavior.ensureTwiceIsOneObject(PulpHarness.make())
    }
    func testListFindsOnlyManaged() async throws { try await StoreBehavior.listFindsOnlyManaged(PulpHarness.make()) }
    func testUpdateApplies() async throws { try await StoreBehavior.updateApplies(PulpHarness.make()) }
    func testDeleteRemovesEverything() async throws {
        try await StoreBehavior.deleteRemovesEverything(PulpHarness.make())
    }
    func testImportPackages() async throws { try await StoreBehavior.importPackages(PulpHarness.make()) }
    func testChecksumMismatchRefused() async throws {
        try await StoreBehavior.checksumMismatchRefused(PulpHarness.make())
    }
    func testLogRepository() async throws { try await StoreBehavior.logRepository(PulpHarness.make()) }

    /// What Pulp serves: empty repodata right after creation, the package after an import.
    func testDistributionServesRepodata() async throws {
        let h = try PulpHarness.make()
        let name = "\(h.prefix)-served"
        try await StoreBehavior.run(h, names: [name]) {
            let repo = try await h.store.ensureRepository(StoreRepositorySpec(name: name))
            let base = try XCTUnwrap(repo.url)
            XCTAssertTrue(base.hasSuffix("/\(name)/"), base)
            let v1 = try await Self.get(base + "repodata/repomd.xml").contains("<repomd")
            XCTAssertTrue(v1)
            let rpm = try TestRPM.get()
            let art = try await h.store.uploadArtifact(file: rpm.noarch)
            let pkg = try await h.store.importPackages(
                [ImportItem(artifactHref: art.href, sha256: art.sha256, fileName: rpm.noarch.lastPathComponent)],
                into: name)
            XCTAssertEqual(pkg.count, 1)
            // pulp_rpm's default layout: Packages/<first letter>/<file>
            let served = try await Self.getData(base + "Packages/k/" + pkg[0].fileName)
            XCTAssertEqual(served, try Data(contentsOf: rpm.noarch))
        }
    }

    /// A failed Pulp call carries status, URL and body.
    func testErrorsCarryStatusURLAndBody() async throws {
        let h = try PulpHarness.make()
        try await StoreBehavior.run(h, names: []) {
            do {
                try await h.pulp.client.write(.POST, "/pulp/api/v3/repositories/rpm/rpm/", body: ["name": ""])
                XCTFail("an empty name must be refused by Pulp")
            } catch let error as PulpError {
                XCTAssertEqual(error.kind, .http)
                XCTAssertEqual(error.status, 400)
                XCTAssertTrue(error.url.hasSuffix("/pulp/api/v3/repositories/rpm/rpm/"), error.url)
                XCTAssertTrue(error.body.contains("name"), error.body)
            }
        }
        let dead = PulpArtifactStore(
            client: PulpClient(
                baseURL: "http://127.0.0.1:9", username: "admin", password: "x", connectTimeout: .milliseconds(500)))
        do {
            _ = try await dead.listManagedRepositories()
            XCTFail("a closed port must fail")
        } catch let error as PulpError {
            XCTAssertEqual(error.kind, .transport)
        }
        try await dead.shutdown()
    }

    static func getData(_ url: String) async throws -> Data {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(30))
        XCTAssertEqual(response.status.code, 200, url)
        return Data(try await response.body.collect(upTo: 64 << 20).readableBytesView)
    }

    static func get(_ url: String) async throws -> String {
        String(decoding: try await getData(url), as: UTF8.self)
    }
}
