import Foundation
import KilnTestSupport
import Spec
import Testing

@testable import GitSource

/// Runs `body` with a fresh test repository, deleted afterwards.
func withTestRepository(_ body: (TestGitRepository) async throws -> Void) async throws {
    let repo = try TestGitRepository.make()
    defer { repo.delete() }
    try await body(repo)
}

/// The `GitError` kind `body` throws (nil when it throws nothing or something else).
func gitErrorKind<T>(_ body: () async throws -> T) async -> GitError.Kind? {
    do {
        _ = try await body()
        return nil
    } catch {
        return (error as? GitError)?.kind
    }
}

@Suite struct GitRepositoryTests {
    private func text(_ files: [SpecFile], _ path: String) -> String? {
        files.first { $0.path == path }.map { String(decoding: $0.contents, as: UTF8.self) }
    }

    @Test func readsCommittedContentNotTheWorkTree() async throws {
        try await withTestRepository { repo in
            try repo.write("platforms/a.yml", "name: a\n")
            let sha = try repo.commit("add a")
            try repo.write("platforms/a.yml", "name: edited\n")
            try repo.write("platforms/b.yml", "name: untracked\n")

            let git = try GitRepository(path: repo.path)
            #expect(try await git.resolve() == sha)
            let files = try await git.files(at: "HEAD")
            #expect(files.map(\.path) == ["platforms/a.yml"])
            #expect(text(files, "platforms/a.yml") == "name: a\n")
        }
    }

    @Test func olderRefsGiveOlderContent() async throws {
        try await withTestRepository { repo in
            try repo.write("p.yml", "v: 1\n")
            let first = try repo.commit("one")
            try repo.tag("v1")
            try repo.tag("v1-annotated", message: "release one")
            try repo.branch("stable")
            try repo.write("p.yml", "v: 2\n")
            let second = try repo.commit("two")

            let git = try GitRepository(path: repo.path)
            #expect(try await git.resolve("main") == second)
            for ref in ["v1", "v1-annotated", "stable", first, String(first.prefix(8)), "refs/tags/v1", "HEAD~1"] {
                #expect(try await git.resolve(ref) == first, "ref \(ref)")
                #expect(text(try await git.files(at: ref), "p.yml") == "v: 1\n", "ref \(ref)")
            }
            #expect(text(try await git.files(at: second), "p.yml") == "v: 2\n")
        }
    }

    @Test func remoteTrackingRef() async throws {
        try await withTestRepository { repo in
            try repo.write("p.yml", "v: 1\n")
            let sha = try repo.commit()
            try repo.git(["update-ref", "refs/remotes/origin/main", sha])
            try repo.write("p.yml", "v: 2\n")
            try repo.commit()
            #expect(try await GitRepository(path: repo.path).resolve("origin/main") == sha)
        }
    }

    @Test func emptyRepositoryIsAClearError() async throws {
        try await withTestRepository { repo in
            let git = try GitRepository(path: repo.path)
            for ref in ["HEAD", "main"] {
                let error = await #expect(throws: GitError.self) { try await git.resolve(ref) }
                #expect(error?.kind == .noCommits)
                #expect(error.map { "\($0)" } == "repository has no commits yet")
            }
            #expect(await gitErrorKind { try await git.files(at: "HEAD") } == .noCommits)

            // An orphan branch checked out: HEAD has no commits, other branches still resolve.
            try repo.write("p.yml", "v: 1\n")
            let sha = try repo.commit()
            try repo.git(["checkout", "--quiet", "--orphan", "fresh"])
            let error = await #expect(throws: GitError.self) { try await git.resolve() }
            #expect(error?.kind == .noCommits)
            #expect(error.map { "\($0)" } == "HEAD names a branch that has no commits yet")
            #expect(try await git.resolve("main") == sha)
        }
    }

    @Test func unknownRefIsAClearError() async throws {
        try await withTestRepository { repo in
            try repo.write("p.yml", "v: 1\n")
            try repo.commit()
            let git = try GitRepository(path: repo.path)
            for ref in ["nope", "deadbeefdeadbeef", "v9"] {
                let error = await #expect(throws: GitError.self) { try await git.resolve(ref) }
                #expect(error?.kind == .unknownRef)
                #expect(error.map { "\($0)" } == "unknown ref '\(ref)'")
            }
            // A ref that names a blob, not a commit.
            #expect(await gitErrorKind { try await git.resolve("HEAD:p.yml") } == .unknownRef)
        }
    }

    @Test func notARepository() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-plain-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for path in [folder.path, folder.path + "/missing"] {
            let error = #expect(throws: GitError.self) { try GitRepository(path: path) }
            #expect(error?.kind == .notARepository)
            #expect(error.map { "\($0)".contains("is not a git repository") } == true, "\(String(describing: error))")
        }
    }

    @Test func subdirectoryPrefixAndOnlyRegularFiles() async throws {
        try await withTestRepository { repo in
            try repo.write("README.md", "top\n")
            try repo.write("examples/platforms/a.yml", "name: a\n")
            try repo.write("examples/platforms/nested/deep/b.yml", "name: b\n")
            try repo.write("examples/README.md", "ex\n")
            try FileManager.default.createSymbolicLink(
                atPath: repo.path + "/examples/link.yml", withDestinationPath: "README.md")
            try repo.commit()

            let git = try GitRepository(path: repo.path)
            let expected = ["README.md", "platforms/a.yml", "platforms/nested/deep/b.yml"]
            func regular(_ files: [SpecFile]) -> [String] { files.filter { $0.entry == .regular }.map(\.path) }
            #expect(regular(try await git.files(at: "HEAD", under: "examples")) == expected)
            #expect(regular(try await git.files(at: "HEAD", under: "./examples/")) == expected)
            #expect(try await git.files(at: "HEAD", under: "examples/platforms/nested").map(\.path) == ["deep/b.yml"])
            #expect(try await git.files(at: "HEAD").count == 5)
            // The symlink is listed, never followed, so the loader can refuse it at its path.
            let link = try await git.files(at: "HEAD", under: "examples").first { $0.path == "link.yml" }
            #expect(link?.entry == .symlink(target: "README.md"))
            #expect(link?.contents == [])
            #expect(
                try await git.file(at: "HEAD", path: "examples/platforms/a.yml")?.contents == Array("name: a\n".utf8))
            #expect(try await git.file(at: "HEAD", path: "examples/missing.yml") == nil)

            #expect(await gitErrorKind { try await git.files(at: "HEAD", under: "nowhere") } == .pathNotFound)
            #expect(await gitErrorKind { try await git.files(at: "HEAD", under: "README.md") } == .pathNotFound)
        }
    }

    @Test func symlinksAndLargeBlobsAreListedUnread() async throws {
        try await withTestRepository { repo in
            try repo.write("platforms/a.yml", "name: a\n")
            try repo.write("platforms/big.yml", String(repeating: "x", count: 2_000))
            try FileManager.default.createSymbolicLink(
                atPath: repo.path + "/platforms/passwd.yml", withDestinationPath: "/etc/passwd")
            try repo.commit()
            let git = try GitRepository(path: repo.path)
            let files = try await git.files(at: "HEAD", maxFileBytes: 1_000)
            #expect(files.map(\.path) == ["platforms/a.yml", "platforms/big.yml", "platforms/passwd.yml"])
            #expect(files.map(\.entry) == [.regular, .tooLarge(bytes: 2_000), .symlink(target: "/etc/passwd")])
            #expect(files[1].contents == [] && files[2].contents == [])
            #expect(
                try await git.file(at: "HEAD", path: "platforms/passwd.yml")?.entry == .symlink(target: "/etc/passwd"))

            let diagnostics = SpecLoader.load(files).diagnostics.map(\.description)
            #expect(
                diagnostics.contains(
                    "platforms/passwd.yml:1:1: symlinks are not allowed in desired state: "
                        + "platforms/passwd.yml points to '/etc/passwd'"))

            // A plain folder read from disk lists its symlinks the same way.
            let fromDisk = try await SpecDirectory(path: repo.path).files(maxFileBytes: 1_000)
            #expect(fromDisk.map(\.entry) == [.regular, .tooLarge(bytes: 2_000), .symlink(target: "/etc/passwd")])
        }
    }

    @Test func changedPaths() async throws {
        try await withTestRepository { repo in
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
            #expect(
                try await git.changes(from: first, to: second, under: "state") == [
                    GitChange(path: "distributions/d.yml", kind: .added),
                    GitChange(path: "platforms/a.yml", kind: .modified),
                    GitChange(path: "platforms/b.yml", kind: .deleted)
                ])
            #expect(
                try await git.changedPaths(from: first, to: second, under: nil) == [
                    "other.txt", "state/distributions/d.yml", "state/platforms/a.yml", "state/platforms/b.yml"
                ])
            #expect(
                try await git.changedPaths(from: nil, to: first, under: "state") == [
                    "platforms/a.yml", "platforms/b.yml"
                ])
            #expect(try await git.changedPaths(from: second, to: second) == [])
            // A prefix that appears only in the newer commit: everything under it is added.
            #expect(
                try await git.changes(from: first, to: second, under: "state/distributions")
                    == [GitChange(path: "d.yml", kind: .added)])
        }
    }

    /// The reads run on NIO's blocking thread pool: outside any Swift task, so not on a
    /// cooperative thread; concurrent reads all complete.
    @Test func readsRunOffTheCooperativePool() async throws {
        let insideTask = try await LibGit2.offPool { withUnsafeCurrentTask { $0 != nil } }
        #expect(!insideTask)
        #expect(withUnsafeCurrentTask { $0 != nil })  // while the test itself runs in one
        try await withTestRepository { repo in
            try repo.write("p.yml", "v: 1\n")
            let sha = try repo.commit()
            let git = try GitRepository(path: repo.path)
            let resolved = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<32 { group.addTask { try await git.resolve() } }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(resolved == Array(repeating: sha, count: 32))
        }
    }
}
