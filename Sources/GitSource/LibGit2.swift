import CGit2
import NIOPosix

/// Process-wide libgit2 set-up and small helpers shared by the GitSource types.
enum LibGit2 {
    /// `git_libgit2_init` runs exactly once: Swift initializes a global `let` lazily and atomically
    /// (swift_once), so concurrent first calls are safe. libgit2 stays initialized until exit.
    private static let initialized: Int32 = git_libgit2_init()

    /// Runs blocking libgit2 (or file) work on NIO's blocking thread pool, off Swift's cooperative
    /// pool, so a slow read or a network fetch never holds up other tasks. Every public async
    /// method of GitSource goes through here.
    static func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await NIOThreadPool.singleton.runIfActive(body)
    }

    /// Call before any other libgit2 function.
    static func ensureInitialized() {
        _ = initialized
    }

    /// libgit2's message for the last failure on this thread (libgit2 keeps errors per thread).
    static func lastErrorMessage(_ code: Int32) -> String {
        if let error = git_error_last(), let message = error.pointee.message {
            return String(cString: message)
        }
        return "libgit2 error \(code)"
    }

    /// Throws a `GitError` when a libgit2 call returned a negative code.
    static func check(_ code: Int32, _ context: @autoclosure () -> String, kind: GitError.Kind = .other) throws {
        if code < 0 { throw GitError.libgit2(code, context(), kind: kind) }
    }

    /// The 40-digit hex form of an object id.
    static func hex(_ oid: UnsafePointer<git_oid>) -> String {
        var buffer = [CChar](repeating: 0, count: 41)
        buffer.withUnsafeMutableBufferPointer { pointer in
            _ = git_oid_tostr(pointer.baseAddress, 41, oid)
        }
        return String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Opens the repository at `path` (work tree or bare, no search in parent folders), runs `body`, frees it.
    static func withRepository<T>(at path: String, _ body: (OpaquePointer) throws -> T) throws -> T {
        ensureInitialized()
        var repo: OpaquePointer?
        let code = git_repository_open_ext(&repo, path, GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue, nil)
        guard code >= 0, let repo else {
            throw GitError(.notARepository, "'\(path)' is not a git repository (\(lastErrorMessage(code)))", code: code)
        }
        defer { git_repository_free(repo) }
        return try body(repo)
    }
}
