import CGit2
import Foundation

/// A bare cache repository that mirrors one branch of a remote (a URL or a local path).
///
///     let mirror = GitRemoteMirror(remote: "https://git.example.org/ops/state.git", cachePath: ".kiln/git-cache")
///     let sha = try await mirror.fetch(branch: "main")
///     let files = try await mirror.repository().files(at: sha)
///
/// Fetches run on NIO's blocking thread pool (the network wait never holds a cooperative
/// thread). Fetches within one process are serialized (a lock around `git_remote_fetch`),
/// because two fetches into the same bare repository would race on its ref locks. Across
/// processes the reconcile loop's advisory lock keeps them apart.
package struct GitRemoteMirror: Sendable, Hashable {
    /// What to fetch from: a URL (`https://`, `ssh://`, `file://`) or a local path.
    package let remote: String
    /// Where the bare cache repository lives; created on the first fetch.
    package let cachePath: String

    /// The remote's name inside the cache repository.
    package static let remoteName = "origin"

    package init(remote: String, cachePath: String) {
        self.remote = Self.normalizeRemote(remote)
        self.cachePath = URL(fileURLWithPath: cachePath).standardizedFileURL.path
    }

    /// Fetches `branch` from the remote into `refs/remotes/origin/<branch>` and returns its SHA.
    package func fetch(branch: String = "main") async throws -> String {
        try await LibGit2.offPool { [self] in try blockingFetch(branch: branch) }
    }

    /// `fetch(branch:)` on the calling thread.
    func blockingFetch(branch: String) throws -> String {
        let localRef = "refs/remotes/\(Self.remoteName)/\(branch)"
        guard git_reference_is_valid_name("refs/heads/\(branch)") == 1 else {
            throw GitError(.unknownRef, "invalid branch name '\(branch)'")
        }
        mirrorLock.lock()
        defer { mirrorLock.unlock() }
        return try withCacheRepository { repo in
            let remote = try originRemote(repo)
            defer { git_remote_free(remote) }

            var options = git_fetch_options()
            try LibGit2.check(
                git_fetch_options_init(&options, UInt32(GIT_FETCH_OPTIONS_VERSION)), "cannot set up a fetch")
            options.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE
            let refspec = "+refs/heads/\(branch):\(localRef)"
            let code: Int32 = refspec.withCString { cRefspec in
                var strings: [UnsafeMutablePointer<CChar>?] = [UnsafeMutablePointer(mutating: cRefspec)]
                return strings.withUnsafeMutableBufferPointer { buffer in
                    var array = git_strarray(strings: buffer.baseAddress, count: 1)
                    return git_remote_fetch(remote, &array, &options, "kiln: fetch \(branch)")
                }
            }
            try LibGit2.check(code, "cannot fetch '\(branch)' from '\(self.remote)'")

            var oid = git_oid()
            let lookup = git_reference_name_to_id(&oid, repo, localRef)
            guard lookup >= 0 else {
                throw GitError(.unknownRef, "remote '\(self.remote)' has no branch '\(branch)'", code: lookup)
            }
            return LibGit2.hex(&oid)
        }
    }

    /// The cache as a `GitRepository`, to read files at a fetched SHA. Fails before the first fetch.
    package func repository() throws -> GitRepository {
        try GitRepository(path: cachePath)
    }

    /// Opens the bare cache, creating it (and its parent folders) on first use.
    private func withCacheRepository<T>(_ body: (OpaquePointer) throws -> T) throws -> T {
        LibGit2.ensureInitialized()
        var repo: OpaquePointer?
        var code = git_repository_open_bare(&repo, cachePath)
        if code == GIT_ENOTFOUND.rawValue {
            try FileManager.default.createDirectory(atPath: cachePath, withIntermediateDirectories: true)
            code = git_repository_init(&repo, cachePath, 1)
        }
        try LibGit2.check(code, "cannot open the git cache '\(cachePath)'")
        guard let repo else { throw GitError(.other, "cannot open the git cache '\(cachePath)'") }
        defer { git_repository_free(repo) }
        return try body(repo)
    }

    /// The cache's `origin` remote, created or re-pointed at `remote`. The caller frees it.
    private func originRemote(_ repo: OpaquePointer) throws -> OpaquePointer {
        var remote: OpaquePointer?
        var code = git_remote_lookup(&remote, repo, Self.remoteName)
        if code == GIT_ENOTFOUND.rawValue {
            code = git_remote_create(&remote, repo, Self.remoteName, self.remote)
        } else if code >= 0, let existing = remote,
            git_remote_url(existing).map({ String(cString: $0) }) != self.remote
        {
            git_remote_free(existing)
            remote = nil
            try LibGit2.check(
                git_remote_set_url(repo, Self.remoteName, self.remote),
                "cannot re-point the git cache at '\(self.remote)'")
            code = git_remote_lookup(&remote, repo, Self.remoteName)
        }
        try LibGit2.check(code, "cannot set up remote '\(self.remote)'")
        guard let remote else { throw GitError(.other, "cannot set up remote '\(self.remote)'") }
        return remote
    }

    /// URLs and scp-style `user@host:path` stay as given; a local path becomes absolute.
    static func normalizeRemote(_ remote: String) -> String {
        if remote.contains("://") { return remote }
        if let colon = remote.firstIndex(of: ":"), !remote[..<colon].contains("/") { return remote }
        return URL(fileURLWithPath: remote).standardizedFileURL.path
    }
}

/// Serializes fetches inside this process (see `GitRemoteMirror`).
private let mirrorLock = NSLock()
