import Foundation
import GitSource
import KilnTestSupport
import XCTest

final class GitRemoteMirrorTests: XCTestCase {
    func testFetchFromLocalPathPicksUpNewCommits() throws {
        let origin = try TestGitRepository.make()
        defer { origin.delete() }
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-cache-\(UUID().uuidString)/nested")
        defer { try? FileManager.default.removeItem(at: cache.deletingLastPathComponent()) }

        try origin.write("platforms/a.yml", "name: a\n")
        let first = try origin.commit("one")
        try origin.branch("other")

        let mirror = GitRemoteMirror(remote: origin.path, cachePath: cache.path)
        XCTAssertEqual(try mirror.fetch(branch: "main"), first)
        let cached = try mirror.repository()
        XCTAssertEqual(try cached.files(at: first).map(\.path), ["platforms/a.yml"])

        try origin.write("platforms/b.yml", "name: b\n")
        let second = try origin.commit("two")
        XCTAssertEqual(try mirror.fetch(branch: "main"), second)
        XCTAssertEqual(try cached.files(at: second).map(\.path), ["platforms/a.yml", "platforms/b.yml"])
        XCTAssertEqual(try cached.changedPaths(from: first, to: second), ["platforms/b.yml"])
        XCTAssertEqual(try mirror.fetch(branch: "other"), first)

        XCTAssertThrowsError(try mirror.fetch(branch: "missing")) { error in
            XCTAssertEqual((error as? GitError)?.kind, .unknownRef)
        }
    }

    func testFetchThroughFileURLAndRepointedRemote() throws {
        let one = try TestGitRepository.make()
        let two = try TestGitRepository.make()
        defer { one.delete(); two.delete() }
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-cache-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: cache) }
        try one.write("x", "1")
        let shaOne = try one.commit()
        try two.write("x", "2")
        let shaTwo = try two.commit()

        XCTAssertEqual(try GitRemoteMirror(remote: "file://" + one.path, cachePath: cache.path).fetch(), shaOne)
        XCTAssertEqual(try GitRemoteMirror(remote: two.path, cachePath: cache.path).fetch(), shaTwo)
    }

    func testUnreachableRemoteIsAGitError() throws {
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-cache-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: cache) }
        let mirror = GitRemoteMirror(remote: "/nonexistent/kiln-remote", cachePath: cache.path)
        XCTAssertThrowsError(try mirror.fetch()) { error in
            XCTAssertTrue(error is GitError)
            XCTAssertTrue("\(error)".contains("cannot fetch 'main'"), "\(error)")
        }
    }
}
