import Artifacts
import Foundation
import XCTest

/// The behavior both stores must have, written once and run for each (see the test classes).
enum StoreBehavior {
    /// Runs `body` with the harness and deletes the named repositories afterwards.
    static func run(_ h: any StoreHarness, names: [String], _ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch {
            await h.cleanup(names: names)
            throw error
        }
        await h.cleanup(names: names)
    }

    static func ensureTwiceIsOneObject(_ h: any StoreHarness) async throws {
        let name = "\(h.prefix)-twice"
        try await run(h, names: [name]) {
            let spec = StoreRepositorySpec(
                name: name, kind: .rpm, basePath: "\(h.prefix)/twice", labels: ["platform": "AlmaLinux-9"])
            let first = try await h.store.ensureRepository(spec)
            let second = try await h.store.ensureRepository(spec)
            XCTAssertEqual(first.href, second.href)
            XCTAssertEqual(first.distributionHref, second.distributionHref)
            XCTAssertTrue(second.matches(spec), "\(second) does not match \(spec)")
            XCTAssertEqual(second.labels["managed-by"], "kiln")
            XCTAssertEqual(second.labels["platform"], "AlmaLinux-9")
            XCTAssertNotNil(second.url)
            let listed = try await h.store.listManagedRepositories().filter { $0.name == name }
            XCTAssertEqual(listed.count, 1)
            XCTAssertEqual(listed.first?.href, first.href)
            let v1 = try await h.store.repository(named: name)?.href
            XCTAssertEqual(v1, first.href)
            // the bulk variant sees it as converged and returns the same object
            let again = try await h.store.ensureRepositories([spec], maxConcurrent: 8)
            XCTAssertEqual(again.map(\.href), [first.href])
        }
    }

    static func listFindsOnlyManaged(_ h: any StoreHarness) async throws {
        let managed = ["\(h.prefix)-list-a", "\(h.prefix)-list-b"]
        let unmanaged = "\(h.prefix)-list-foreign"
        try await run(h, names: managed + [unmanaged]) {
            _ = try await h.store.ensureRepositories(managed.map { StoreRepositorySpec(name: $0) }, maxConcurrent: 2)
            try await h.createUnmanagedRepository(named: unmanaged)
            let v2 = try await h.store.repository(named: unmanaged)
            XCTAssertNotNil(v2, "the unmanaged repository should exist")
            let listed = try await h.store.listManagedRepositories()
            let names = Set(listed.map(\.name))
            XCTAssertTrue(names.isSuperset(of: managed), "missing managed repositories in \(names.sorted())")
            XCTAssertFalse(names.contains(unmanaged), "an unlabeled repository was listed")
            for r in listed { XCTAssertEqual(r.labels["managed-by"], "kiln", "\(r.name) listed without the label") }
        }
    }

    static func updateApplies(_ h: any StoreHarness) async throws {
        let name = "\(h.prefix)-update"
        try await run(h, names: [name]) {
            var spec = StoreRepositorySpec(
                name: name, remoteURL: "https://repo.example.org/almalinux/9/BaseOS/x86_64/os/")
            let created = try await h.store.ensureRepository(spec)
            XCTAssertEqual(created.remoteURL, spec.remoteURL)
            XCTAssertNotNil(created.remoteHref)

            spec.remoteURL = "https://mirror.example.net/almalinux/9/BaseOS/x86_64/os/"
            spec.basePath = "\(h.prefix)/moved"
            spec.labels["platform"] = "AlmaLinux-9"
            let updated = try await h.store.ensureRepository(spec)
            XCTAssertEqual(updated.href, created.href, "an update must not replace the repository")
            XCTAssertTrue(updated.matches(spec), "\(updated)")
            let listed = try await h.store.listManagedRepositories().first { $0.name == name }
            XCTAssertEqual(listed?.remoteURL, spec.remoteURL)
            XCTAssertEqual(listed?.basePath, spec.basePath)
            XCTAssertEqual(listed?.labels["platform"], "AlmaLinux-9")

            spec.remoteURL = nil
            let detached = try await h.store.ensureRepository(spec)
            XCTAssertNil(detached.remoteURL)
            XCTAssertNil(detached.remoteHref)
            let v3 = try await h.store.listManagedRepositories().first { $0.name == name }?.remoteURL
            XCTAssertNil(v3)
        }
    }

    static func deleteRemovesEverything(_ h: any StoreHarness) async throws {
        let name = "\(h.prefix)-delete"
        try await run(h, names: [name]) {
            _ = try await h.store.ensureRepository(
                StoreRepositorySpec(name: name, remoteURL: "https://repo.example.org/x/"))
            try await h.store.deleteRepository(named: name)
            let v4 = try await h.store.repository(named: name)
            XCTAssertNil(v4)
            let v5 = try await h.store.listManagedRepositories().contains { $0.name == name }
            XCTAssertFalse(v5)
            try await h.store.deleteRepository(named: name)  // absent is fine
            // and it can be created again from nothing
            let again = try await h.store.ensureRepository(StoreRepositorySpec(name: name))
            XCTAssertNil(again.remoteURL)
        }
    }

    static func importPackages(_ h: any StoreHarness) async throws {
        let build = "\(h.prefix)-build-1-x86_64"
        let other = "\(h.prefix)-build-1-aarch64"
        try await run(h, names: [build, other]) {
            let rpm = try TestRPM.get()
            _ = try await h.store.ensureRepositories(
                [StoreRepositorySpec(name: build), StoreRepositorySpec(name: other)], maxConcurrent: 2)
            let noarch = try await h.store.uploadArtifact(file: rpm.noarch)
            let source = try await h.store.uploadArtifact(file: rpm.source)
            XCTAssertEqual(noarch.sha256.count, 64)
            let v6 = try await h.store.uploadArtifact(file: rpm.noarch).href
            XCTAssertEqual(v6, noarch.href, "same bytes, same artifact")

            let items = [
                ImportItem(artifactHref: noarch.href, sha256: noarch.sha256, fileName: rpm.noarch.lastPathComponent),
                ImportItem(artifactHref: source.href, sha256: source.sha256, fileName: rpm.source.lastPathComponent)
            ]
            let imported = try await h.store.importPackages(items, into: build)
            XCTAssertEqual(imported.count, 2)
            let bin = try XCTUnwrap(imported.first { $0.arch == "noarch" })
            XCTAssertEqual(bin.nevra, "kiln-fixture-3:1.0-1.noarch")
            XCTAssertEqual(bin.sha256, noarch.sha256)
            XCTAssertEqual(imported.first { $0.arch == "src" }?.name, "kiln-fixture")

            var content = try await h.store.listContent(of: build)
            XCTAssertEqual(Set(content.map(\.href)), Set(imported.map(\.href)))
            XCTAssertEqual(
                Set(content.compactMap(\.nevra)), ["kiln-fixture-3:1.0-1.noarch", "kiln-fixture-3:1.0-1.src"])

            // importing the same bytes again finds the same content, nothing doubles
            let again = try await h.store.importPackages([items[0]], into: build)
            XCTAssertEqual(again.map(\.href), [bin.href])
            content = try await h.store.listContent(of: build)
            XCTAssertEqual(content.count, 2)

            // noarch copy into another arch's repository, then removal
            try await h.store.modifyContent(of: other, add: [bin.href], remove: [])
            let v7 = try await h.store.listContent(of: other).map(\.href)
            XCTAssertEqual(v7, [bin.href])
            try await h.store.modifyContent(of: other, add: [], remove: [bin.href])
            let v8 = try await h.store.listContent(of: other).count
            XCTAssertEqual(v8, 0)
        }
    }

    static func checksumMismatchRefused(_ h: any StoreHarness) async throws {
        let name = "\(h.prefix)-mismatch"
        try await run(h, names: [name]) {
            let rpm = try TestRPM.get()
            _ = try await h.store.ensureRepository(StoreRepositorySpec(name: name))
            let art = try await h.store.uploadArtifact(file: rpm.noarch)
            let wrong = String(repeating: "0", count: 64)
            do {
                _ = try await h.store.importPackages(
                    [ImportItem(artifactHref: art.href, sha256: wrong, fileName: rpm.noarch.lastPathComponent)],
                    into: name)
                XCTFail("a sha256 mismatch must be refused")
            } catch let error as ArtifactStoreError {
                guard case .checksumMismatch(_, let expected, let actual) = error else { return XCTFail("\(error)") }
                XCTAssertEqual(expected, wrong)
                XCTAssertEqual(actual, art.sha256)
            }
            let v9 = try await h.store.listContent(of: name).count
            XCTAssertEqual(v9, 0, "nothing may be added on a mismatch")
            do {
                _ = try await h.store.importPackages(
                    [ImportItem(artifactHref: art.href, sha256: art.sha256, fileName: "x.rpm")],
                    into: "\(h.prefix)-no-such-repo")
                XCTFail("importing into a missing repository must fail")
            } catch let error as ArtifactStoreError {
                XCTAssertEqual(error, .repositoryNotFound("\(h.prefix)-no-such-repo"))
            }
        }
    }

    static func logRepository(_ h: any StoreHarness) async throws {
        let name = "\(h.prefix)-build-1-logs"
        try await run(h, names: [name]) {
            let repo = try await h.store.ensureRepository(StoreRepositorySpec(name: name, kind: .file))
            XCTAssertEqual(repo.kind, .file)
            let file = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent(
                "\(h.prefix)-mock-\(UUID().uuidString).log")
            try Data("mock build log \(UUID().uuidString)\n".utf8).write(to: file)
            defer { try? FileManager.default.removeItem(at: file) }
            let art = try await h.store.uploadArtifact(file: file)
            let imported = try await h.store.importPackages(
                [ImportItem(artifactHref: art.href, sha256: art.sha256, fileName: "mock.log")], into: name)
            XCTAssertEqual(imported.map(\.fileName), ["mock.log"])
            XCTAssertNil(imported.first?.nevra)
            let v10 = try await h.store.listContent(of: name).map(\.fileName)
            XCTAssertEqual(v10, ["mock.log"])
            let v11 = try await h.store.listManagedRepositories().first { $0.name == name }?.kind
            XCTAssertEqual(v11, .file)
        }
    }
}
