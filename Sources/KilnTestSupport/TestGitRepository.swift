import Foundation
import Processes

/// A throwaway git repository driven through the `git` command line, for tests in any module.
///
///     let repo = try TestGitRepository.make()
///     try repo.write("platforms/a.yml", "name: a\n")
///     let sha = try repo.commit("add a")
///     defer { repo.delete() }
///
/// Commits use a fixed author and never sign, whatever the machine's git configuration says.
package struct TestGitRepository: Sendable {
    /// The repository's work tree (absolute).
    package let path: String

    /// Creates an empty repository (no commits) on `branch` in a fresh temporary folder.
    package static func make(branch: String = "main", bare: Bool = false) throws -> TestGitRepository {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("kiln-git-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let repo = TestGitRepository(path: folder.standardizedFileURL.path)
        try repo.git(["init", "--quiet", "--initial-branch=\(branch)"] + (bare ? ["--bare"] : []))
        return repo
    }

    /// Wraps an existing folder (it is not created or initialized).
    package init(path: String) {
        self.path = path
    }

    /// Writes `contents` to `relativePath`, creating parent folders.
    package func write(_ relativePath: String, _ contents: String) throws {
        let url = URL(fileURLWithPath: path).appendingPathComponent(relativePath)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(contents.utf8).write(to: url)
    }

    /// Removes a file or folder of the work tree.
    package func remove(_ relativePath: String) throws {
        try FileManager.default.removeItem(atPath: URL(fileURLWithPath: path).appendingPathComponent(relativePath).path)
    }

    /// Copies the contents of `folder` into the work tree (below `subdirectory` when given).
    package func copy(contentsOf folder: String, to subdirectory: String? = nil) throws {
        var target = URL(fileURLWithPath: path)
        if let subdirectory { target.appendPathComponent(subdirectory) }
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
        for name in try FileManager.default.contentsOfDirectory(atPath: folder) {
            try FileManager.default.copyItem(
                atPath: URL(fileURLWithPath: folder).appendingPathComponent(name).path,
                toPath: target.appendingPathComponent(name).path
            )
        }
    }

    /// Stages everything (`git add -A`) and commits; returns the new commit's SHA.
    @discardableResult
    package func commit(_ message: String = "change") throws -> String {
        try git(["add", "-A"])
        try git(["commit", "--quiet", "--allow-empty", "-m", message])
        return try head()
    }

    /// The SHA of HEAD.
    package func head() throws -> String {
        try git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Tags HEAD (or `target`); annotated when `message` is given.
    package func tag(_ name: String, message: String? = nil, at target: String = "HEAD") throws {
        if let message {
            try git(["tag", "-a", name, "-m", message, target])
        } else {
            try git(["tag", name, target])
        }
    }

    /// Creates branch `name` at HEAD (or `target`) without switching to it.
    package func branch(_ name: String, at target: String = "HEAD") throws {
        try git(["branch", name, target])
    }

    /// Switches the work tree to `ref`.
    package func checkout(_ ref: String) throws {
        try git(["checkout", "--quiet", ref])
    }

    /// Deletes the whole folder; call from `defer` or `tearDown`.
    package func delete() {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Runs `git -C path args...` and returns its standard output; throws with stderr on failure.
    @discardableResult
    package func git(_ arguments: [String]) throws -> String {
        try Self.run(["-C", path] + arguments)
    }

    /// Runs `git args...` with a fixed identity and no signing; returns standard output.
    @discardableResult
    package static func run(_ arguments: [String]) throws -> String {
        var environment = ProcessInfo.processInfo.environment
        environment["GIT_CONFIG_NOSYSTEM"] = "1"
        environment["GIT_TERMINAL_PROMPT"] = "0"
        let result = try ProcessRunner.runSync(
            "/usr/bin/env",
            [
                "git", "-c", "user.name=Kiln Test", "-c", "user.email=kiln-test@example.org",
                "-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false",
                "-c", "init.defaultBranch=main", "-c", "core.autocrlf=false"
            ] + arguments,
            environment: environment, combineErrors: false)
        guard result.succeeded else {
            throw TestGitError(arguments: arguments, status: result.status, stderr: result.errors)
        }
        return result.output
    }
}

/// A `git` command that exited non-zero.
package struct TestGitError: Error, CustomStringConvertible {
    package var arguments: [String]
    package var status: Int32
    package var stderr: String
    package var description: String { "git \(arguments.joined(separator: " ")) exited \(status): \(stderr)" }
}
