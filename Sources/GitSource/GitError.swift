import CGit2

/// An error from reading a git repository, carrying libgit2's message.
///
///     do { _ = try repo.resolve("v9") }
///     catch let error as GitError where error.kind == .unknownRef { print(error) }
package struct GitError: Error, CustomStringConvertible, Sendable, Hashable {
    /// What went wrong, for callers that react differently (an empty repository, an unknown ref).
    package enum Kind: Sendable, Hashable {
        /// The path does not exist or holds no git repository.
        case notARepository
        /// HEAD is unborn: nothing was committed yet.
        case noCommits
        /// The ref, branch, tag or SHA names no commit.
        case unknownRef
        /// A path inside a commit's tree is absent or not a folder.
        case pathNotFound
        /// Any other libgit2 failure (I/O, network, corrupt object).
        case other
    }

    package var kind: Kind
    /// A message for people: what was asked and libgit2's own words.
    package var message: String
    /// libgit2's return code (`GIT_ENOTFOUND` is -3), 0 when the error did not come from libgit2.
    package var code: Int32

    package init(_ kind: Kind, _ message: String, code: Int32 = 0) {
        self.kind = kind
        self.message = message
        self.code = code
    }

    package var description: String { message }

    /// The last libgit2 error on this thread, prefixed with what Kiln was doing.
    static func libgit2(_ code: Int32, _ context: String, kind: Kind = .other) -> GitError {
        GitError(kind, "\(context): \(LibGit2.lastErrorMessage(code))", code: code)
    }
}
