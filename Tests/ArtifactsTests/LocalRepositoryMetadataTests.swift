import Foundation
import Processes
import Testing

@testable import Artifacts

/// The local store's `rpm` repositories are real yum repositories (`createrepo_c`), the files it
/// serves stay inside a repository's `content/`, and both stores know their artifact hrefs.
@Suite struct LocalRepositoryMetadataTests {
    let root = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("kiln-meta-\(UUID().uuidString)")

    func primary(_ folder: URL) throws -> String {
        let repomd = try String(contentsOf: folder.appendingPathComponent("repodata/repomd.xml"), encoding: .utf8)
        let range = try #require(repomd.range(of: #"repodata/[^"]*primary\.xml[^"]*"#, options: .regularExpression))
        let file = folder.appendingPathComponent(String(repomd[range]))
        let unzipped = try ProcessRunner.runSync("/usr/bin/env", ["gzip", "-dc", file.path], combineErrors: false)
        try #require(unzipped.succeeded, "\(unzipped.errors)")
        return unzipped.output
    }

    @Test func newRepositoryHasEmptyMetadataAndImportsAreListed() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let store = LocalArtifactStore(root: root)
        let repository = try await store.ensureRepository(StoreRepositorySpec(name: "build-1-x86_64-rpm"))
        let content = root.appendingPathComponent("build-1-x86_64-rpm/content", isDirectory: true)
        #expect(repository.url == content.absoluteString)
        #expect(try primary(content).contains(#"packages="0""#))

        let rpm = try TestRPM.get()
        let uploaded = try await store.uploadArtifact(file: rpm.noarch)
        _ = try await store.importPackages(
            [ImportItem(artifactHref: uploaded.href, sha256: uploaded.sha256, fileName: rpm.noarch.lastPathComponent)],
            into: "build-1-x86_64-rpm")
        let listed = try primary(content)
        #expect(listed.contains(#"packages="1""#))
        #expect(listed.contains("<name>kiln-fixture</name>"))
        #expect(listed.contains(#"<location href="kiln-fixture-1.0-1.noarch.rpm"/>"#))

        // Removing the unit rewrites the metadata again.
        let units = try await store.listContent(of: "build-1-x86_64-rpm")
        try await store.modifyContent(of: "build-1-x86_64-rpm", add: [], remove: units.map(\.href))
        #expect(try primary(content).contains(#"packages="0""#))
    }

    @Test func fileRepositoriesGetNoMetadata() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let store = LocalArtifactStore(root: root)
        _ = try await store.ensureRepository(StoreRepositorySpec(name: "build-1-logs", kind: .file))
        #expect(
            !FileManager.default.fileExists(atPath: root.appendingPathComponent("build-1-logs/content/repodata").path))
    }

    @Test func servedURLsAndFilesStayInsideTheRepository() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let store = LocalArtifactStore(root: root)
        store.serve(at: "http://127.0.0.1:8080/repos")
        let repository = try await store.ensureRepository(StoreRepositorySpec(name: "r"))
        #expect(repository.url == "http://127.0.0.1:8080/repos/r/")
        let content = root.appendingPathComponent("r/content").standardizedFileURL
        #expect(
            store.servedFile(repository: "r", path: ["repodata", "repomd.xml"])?.path
                == content.appendingPathComponent("repodata/repomd.xml").path)
        for bad in [["..", "kiln-repository.json"], [".repodata"], ["a", "..", "..", "x"], [], [""], ["a\0b"]] {
            #expect(store.servedFile(repository: "r", path: bad) == nil, "\(bad)")
        }
        for badName in ["..", ".artifacts", ".content", "", "a/b"] {
            #expect(store.servedFile(repository: badName, path: ["x"]) == nil, "\(badName)")
        }
    }

    @Test func artifactHrefShapes() async throws {
        let local = LocalArtifactStore(root: root)
        let sha = String(repeating: "a1", count: 32)
        #expect(local.recognizesArtifact(href: "/local/artifacts/\(sha)/"))
        #expect(!local.recognizesArtifact(href: "/local/artifacts/\(sha)"))
        #expect(!local.recognizesArtifact(href: "/local/artifacts/xyz/"))
        #expect(!local.recognizesArtifact(href: "/pulp/api/v3/artifacts/0190a7b2-7c1e-7d7e-9a55-0123456789ab/"))
        #expect(local.nodeUploadHint.contains("KILN_PULP_URL"))

        let pulp = PulpArtifactStore(url: "http://pulp.example.org:24817", username: "admin", password: "x")
        #expect(pulp.recognizesArtifact(href: "/pulp/api/v3/artifacts/0190a7b2-7c1e-7d7e-9a55-0123456789ab/"))
        #expect(!pulp.recognizesArtifact(href: "/pulp/api/v3/artifacts/0190a7b2/"))
        #expect(
            !pulp.recognizesArtifact(href: "/pulp/api/v3/content/rpm/packages/0190a7b2-7c1e-7d7e-9a55-0123456789ab/"))
        #expect(!pulp.recognizesArtifact(href: "/local/artifacts/\(sha)/"))
        #expect(
            !pulp.recognizesArtifact(
                href: "http://evil.example.org/pulp/api/v3/artifacts/0190a7b2-7c1e-7d7e-9a55-0123456789ab/"))
        #expect(pulp.nodeUploadHint.contains("Pulp at http://pulp.example.org:24817"))
        try await pulp.shutdown()
    }
}
