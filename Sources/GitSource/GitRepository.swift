import CGit2
import Foundation

/// A git repository read through libgit2, always at a commit, never through its work tree.
///
///     let repo = try GitRepository(path: "/srv/desired-state")
///     let sha = try await repo.resolve("main")
///     let files = try await repo.files(at: sha, under: "examples")
///
/// The value holds only the path and opens the repository for each call: a libgit2 repository
/// handle must not be used from two threads at once, so not sharing one keeps the type plainly
/// `Sendable`. Opening costs well under a millisecond, far below reading a tree. The reads are
/// `async` and run on NIO's blocking thread pool, never on the cooperative pool.
package struct GitRepository: Sendable, Hashable {
    /// The repository's folder (its work tree, or the bare repository itself).
    package let path: String

    /// Opens the repository at `path`; throws `GitError` (`.notARepository`) if there is none.
    /// (Opening only checks the folder and reads its config: it stays synchronous.)
    package init(path: String) throws {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: absolute, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw GitError(.notARepository, "'\(path)' is not a git repository: no such directory")
        }
        self.path = absolute
        try LibGit2.withRepository(at: absolute) { _ in }
    }

    /// The full SHA of the commit `ref` names: `HEAD` (the default), a branch, a tag (annotated
    /// tags are peeled), a remote-tracking ref (`origin/main`), or a full or short SHA.
    /// Throws `.noCommits` for a repository without commits and `.unknownRef` for a name that
    /// does not resolve to a commit.
    package func resolve(_ ref: String = "HEAD") async throws -> String {
        try await LibGit2.offPool { [self] in try blockingResolve(ref) }
    }

    /// `resolve(_:)` on the calling thread.
    func blockingResolve(_ ref: String) throws -> String {
        try LibGit2.withRepository(at: path) { repo in
            try Self.resolveCommit(repo, ref) { commit in
                LibGit2.hex(git_commit_id(commit))
            }
        }
    }

    /// Looks `ref` up as a commit and hands it to `body`; frees it afterwards.
    static func resolveCommit<T>(_ repo: OpaquePointer, _ ref: String, _ body: (OpaquePointer) throws -> T) throws -> T
    {
        let spec = ref.trimmingCharacters(in: .whitespaces)
        if git_repository_head_unborn(repo) == 1 {
            if !hasReferences(repo) {
                throw GitError(.noCommits, "repository has no commits yet")
            }
            if spec == "HEAD" {
                throw GitError(.noCommits, "HEAD names a branch that has no commits yet")
            }
        }
        guard !spec.isEmpty, !spec.hasPrefix("-") else {
            throw GitError(.unknownRef, "unknown ref '\(ref)'")
        }
        var object: OpaquePointer?
        let code = git_revparse_single(&object, repo, spec)
        guard code >= 0, let object else {
            if code == GIT_EAMBIGUOUS.rawValue {
                throw GitError(.unknownRef, "ambiguous ref '\(ref)': \(LibGit2.lastErrorMessage(code))", code: code)
            }
            throw GitError(.unknownRef, "unknown ref '\(ref)'", code: code)
        }
        defer { git_object_free(object) }
        var peeled: OpaquePointer?
        let peelCode = git_object_peel(&peeled, object, GIT_OBJECT_COMMIT)
        guard peelCode >= 0, let peeled else {
            throw GitError(.unknownRef, "ref '\(ref)' does not name a commit", code: peelCode)
        }
        defer { git_object_free(peeled) }
        return try body(peeled)
    }

    /// Whether the repository holds any reference (an unborn HEAD alone does not count).
    private static func hasReferences(_ repo: OpaquePointer) -> Bool {
        var iterator: OpaquePointer?
        guard git_reference_iterator_new(&iterator, repo) >= 0, let iterator else { return true }
        defer { git_reference_iterator_free(iterator) }
        var reference: OpaquePointer?
        let code = git_reference_next(&reference, iterator)
        if let reference { git_reference_free(reference) }
        return code != GIT_ITEROVER.rawValue
    }

    /// The tree of `ref`'s commit at `prefix` (the whole tree when `prefix` is empty), or nil
    /// when `allowMissing` and the prefix is absent. The caller frees the tree.
    static func tree(
        _ repo: OpaquePointer, _ ref: String, under prefix: String, allowMissing: Bool = false
    ) throws -> OpaquePointer? {
        try resolveCommit(repo, ref) { commit in
            var root: OpaquePointer?
            try LibGit2.check(git_commit_tree(&root, commit), "cannot read the tree of '\(ref)'")
            guard let root else { throw GitError(.other, "cannot read the tree of '\(ref)'") }
            if prefix.isEmpty { return root }
            defer { git_tree_free(root) }
            var entry: OpaquePointer?
            let code = git_tree_entry_bypath(&entry, root, prefix)
            guard code >= 0, let entry else {
                if allowMissing && code == GIT_ENOTFOUND.rawValue { return nil }
                throw GitError(.pathNotFound, "path '\(prefix)' not found at '\(ref)'", code: code)
            }
            defer { git_tree_entry_free(entry) }
            guard git_tree_entry_type(entry) == GIT_OBJECT_TREE else {
                if allowMissing { return nil }
                throw GitError(.pathNotFound, "path '\(prefix)' at '\(ref)' is not a folder")
            }
            var subtree: OpaquePointer?
            try LibGit2.check(
                git_tree_lookup(&subtree, repo, git_tree_entry_id(entry)), "cannot read '\(prefix)' at '\(ref)'")
            return subtree
        }
    }

    /// `examples/`, `./examples`, `/examples/` -> `examples`; `.` and `""` -> `""` (the root).
    static func normalize(prefix: String?) -> String {
        guard let prefix else { return "" }
        let parts = prefix.split(separator: "/").filter { $0 != "." && !$0.isEmpty }
        return parts.joined(separator: "/")
    }
}
