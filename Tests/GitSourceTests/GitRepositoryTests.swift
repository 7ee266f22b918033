import GitSource
import KilnTestSupport
import Spec
import XCTest

final class GitRepositoryTests: XCTestCase {
    private var repo: TestGitRepository!

    override func setUpWithError() throws {
        repo = try TestGitRepository.make()
    }

    override func tearDown() {
        repo?.delete()
    }

    private func text(_ files: [SpecFile], _ path: String) -> String? {
        files.first { $0.path == path }.map { String(decoding: $0.contents, as: UTF8.self) }
    }

    func testReadsCommittedContentNotTheWorkTree() throws {
        try repo.write("platforms/a.yml", "name: a\n")
        let sha = try repo.commit("add a")
        try repo.write("platforms/a.yml", "name: edited\n")
        try repo.write("platforms/b.yml", "name: untracked\n")

        let git = try GitRepository(path: repo.path)
        XCTAssertEqual(try git.resolve(), sha)
        let files = try git.files(at: "HEAD")
        XCTAssertEqual(files.map(\.path), ["platforms/a.yml"])
        XCTAssertEqual(text(files, "platforms/a.yml"), "name: a\n")
    }

    func testOlderRefsGiveOlderContent() throws {
        try repo.write("p.yml", "v: 1\n")
        let first = try repo.commit("one")
        try repo.tag("v1")
        try repo.tag("v1-annotated", message: "release one")
        try repo.branch("stable")
        try repo.write("p.yml", "v: 2\n")
        let second = try repo.commit("two")

        let git = try GitRepository(path: repo.path)
        XCTAssertEqual(try git.resolve("main"), second)
        for ref in ["v1", "v1-annotated", "stable", first, String(first.prefix(8)), "refs/tags/v1", "HEAD~1"] {
            XCTAssertEqual(try git.resolve(ref), first, "ref \(ref)")
            XCTAssertEqual(text(try git.files(at: ref), "p.yml"), "v: 1\n", "ref \(ref)")
        }
        XCTAssertEqual(text(try git.files(at: second), "p.yml"), "v: 2\n")
    }

    func testRemoteTrackingRef() throws {
        try repo.write("p.yml", "v: 1\n")
        let sha = try repo.commit()
        try repo.git(["update-ref", "refs/remotes/origin/main", sha])
        try repo.write("p.yml", "v: 2\n")
        try repo.commit()
        XCTAssertEqual(try GitRepository(path: repo.path).resolve("origin/main"), sha)
    }

    func testEmptyRepositoryIsAClearError() throws {
        let git = try GitRepository(path: repo.path)
        for ref in ["HEAD", "main"] {
            XCTAssertThrowsError(try git.resolve(ref)) { error in
                XCTAssertEqual((error as? GitError)?.kind, .noCommits)
                XCTAssertEqual("\(error)", "repository has no commits yet")
            }
        }
        XCTAssertThrowsError(try git.files(at: "HEAD")) { error in
            XCTAssertEqual((error as? GitError)?.kind, .noCommits)
        }

        // An orphan branch checked out: HEAD has no commits, other branches still resolve.
        try repo.write("p.yml", "v: 1\n")
        let sha = try repo.commit()
        try repo.git(["checkout", "--quiet", "--orphan", "fresh"])
        XCTAssertThrowsError(try git.resolve()) { error in
            XCTAssertEqual((error as? GitError)?.kind, .noCommits)
            XCTAssertEqual("\(error)", "HEAD names a branch that has no commits yet")
        }
        XCTAssertEqual(try git.resolve("main"), sha)
    }

    func testUnknownRefIsAClearError() throws {
        try repo.write("p.yml", "v: 1\n")
        try repo.commit()
        let git = try GitRepository(path: repo.path)
        for ref in ["nope", "deadbeefdeadbeef", "v9"] {
            XCTAssertThrowsError(try git.resolve(ref)) { error in
                XCTAssertEqual((error as? GitError)?.kind, .unknownRef)
                XCTAssertEqual("\(error)", "unknown ref '\(ref)'")
            }
        }
        // A ref that names a blob, not a commit.
        XCTAssertThrowsError(try git.resolve("HEAD:p.yml")) { error in
            XCTAssertEqual((error as? GitError)?.kind, .unknownRef)
        }
    }

    func testNotARepository() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-plain-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for path in [folder.path, folder.path + "/missing"] {
            XCTAssertThrowsError(try GitRepository(path: path)) { error in
                XCTAssertEqual((error as? GitError)?.kind, .notARepository)
                XCTAssertTrue("\(error)".contains("is not a git repository"), "\(error)")
            }
        }
    }

    func testSubdirectoryPrefixAndOnlyRegularFiles() throws {
        try repo.write("README.md", "top\n")
        try repo.write("examples/platforms/a.yml", "name: a\n")
        try repo.write("examples/platforms/nested/deep/b.yml", "name: b\n")
        try repo.write("examples/README.md", "ex\n")
        try FileManager.default.createSymbolicLink(atPath: repo.path + "/examples/link.yml", withDestinationPath: "README.md")
        try repo.commit()

        let git = try GitRepository(path: repo.path)
        let expected = ["README.md", "platforms/a.yml", "platforms/nested/deep/b.yml"]
        XCTAssertEqual(try git.files(at: "HEAD", under: "examples").map(\.path), expected)
        XCTAssertEqual(try git.files(at: "HEAD", under: "./examples/").map(\.path), expected)
        XCTAssertEqual(try git.files(at: "HEAD", under: "examples/platforms/nested").map(\.path), ["deep/b.yml"])
        XCTAssertEqual(try git.files(at: "HEAD").count, 4)
        XCTAssertEqual(try git.file(at: "HEAD", path: "examples/platforms/a.yml")?.contents, Array("name: a\n".utf8))
        XCTAssertNil(try git.file(at: "HEAD", path: "examples/missing.yml"))

        XCTAssertThrowsError(try git.files(at: "HEAD", under: "nowhere")) { error in
            XCTAssertEqual((error as? GitError)?.kind, .pathNotFound)
        }
        XCTAssertThrowsError(try git.files(at: "HEAD", under: "README.md")) { error in
            XCTAssertEqual((error as? GitError)?.kind, .pathNotFound)
        }
    }

    func testChangedPaths() throws {
        try repo.write("state/platforms/a.yml", "name: a\n")
        try repo.write("state/platforms/b.yml", "name: b\n")
        try repo.write("other.txt", "x\n")
        let first = try repo.commit()
        try repo.write("state/platforms/a.yml", "name: a2\n")
        try repo.remove("state/platforms/b.yml")
        try repo.write("state/distributions/d.yml", "name: d\n")
        try repo.write("other.txt", "y\n")
        let second = try repo.commit()

        let git = try GitRepository(path: repo.path)
        XCTAssertEqual(try git.changes(from: first, to: second, under: "state"), [
            GitChange(path: "distributions/d.yml", kind: .added),
            GitChange(path: "platforms/a.yml", kind: .modified),
            GitChange(path: "platforms/b.yml", kind: .deleted),
        ])
        XCTAssertEqual(try git.changedPaths(from: first, to: second, under: nil), [
            "other.txt", "state/distributions/d.yml", "state/platforms/a.yml", "state/platforms/b.yml",
        ])
        XCTAssertEqual(try git.changedPaths(from: nil, to: first, under: "state"), ["platforms/a.yml", "platforms/b.yml"])
        XCTAssertEqual(try git.changedPaths(from: second, to: second), [])
        // A prefix that appears only in the newer commit: everything under it is added.
        XCTAssertEqual(try git.changes(from: first, to: second, under: "state/distributions"),
                       [GitChange(path: "d.yml", kind: .added)])
    }
}
