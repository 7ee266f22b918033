import Foundation
import GitSource
import KilnTestSupport
import Spec
import Testing

@Suite struct GitRemoteMirrorTests {
    @Test func fetchFromLocalPathPicksUpNewCommits() async throws {
        let origin = try TestGitRepository.make()
        defer { origin.delete() }
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent(
            "kiln-cache-\(UUID().uuidString)/nested")
        defer { try? FileManager.default.removeItem(at: cache.deletingLastPathComponent()) }

        try origin.write("platforms/a.yml", "name: a\n")
        let first = try origin.commit("one")
        try origin.branch("other")

        let mirror = GitRemoteMirror(remote: origin.path, cachePath: cache.path)
        #expect(try await mirror.fetch(branch: "main") == first)
        let cached = try mirror.repository()
        #expect(try await cached.files(at: first).map(\.path) == ["platforms/a.yml"])

        try origin.write("platforms/b.yml", "name: b\n")
        let second = try origin.commit("two")
        #expect(try await mirror.fetch(branch: "main") == second)
        #expect(try await cached.files(at: second).map(\.path) == ["platforms/a.yml", "platforms/b.yml"])
        #expect(try await cached.changedPaths(from: first, to: second) == ["platforms/b.yml"])
        #expect(try await mirror.fetch(branch: "other") == first)

        #expect(await gitErrorKind { try await mirror.fetch(branch: "missing") } == .unknownRef)
    }

    @Test func fetchThroughFileURLAndRepointedRemote() async throws {
        let one = try TestGitRepository.make()
        let two = try TestGitRepository.make()
        defer {
            one.delete()
            two.delete()
        }
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-cache-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: cache) }
        try one.write("x", "1")
        let shaOne = try one.commit()
        try two.write("x", "2")
        let shaTwo = try two.commit()

        #expect(try await GitRemoteMirror(remote: "file://" + one.path, cachePath: cache.path).fetch() == shaOne)
        #expect(try await GitRemoteMirror(remote: two.path, cachePath: cache.path).fetch() == shaTwo)
    }

    @Test func unreachableRemoteIsAGitError() async throws {
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-cache-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: cache) }
        let mirror = GitRemoteMirror(remote: "/nonexistent/kiln-remote", cachePath: cache.path)
        let error = await #expect(throws: GitError.self) { try await mirror.fetch() }
        #expect(error.map { "\($0)".contains("cannot fetch 'main'") } == true, "\(String(describing: error))")
    }

    /// Concurrent fetches into one cache are serialized and all succeed.
    @Test func concurrentFetchesIntoOneCache() async throws {
        let origin = try TestGitRepository.make()
        defer { origin.delete() }
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-cache-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: cache) }
        try origin.write("x", "1")
        let sha = try origin.commit()
        let mirror = GitRemoteMirror(remote: origin.path, cachePath: cache.path)
        let fetched = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<8 { group.addTask { try await mirror.fetch() } }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(fetched == Array(repeating: sha, count: 8))
    }
}
