import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The unprivileged user PostgreSQL runs as when this process is root.
struct SystemIdentity: Sendable {
    var name: String
    var uid: uid_t
    var gid: gid_t
    var groups: [gid_t]

    /// nil when we are not root (run the binaries directly); otherwise the `user` account.
    static func forRunning(as user: String) throws -> SystemIdentity? {
        guard getuid() == 0 else { return nil }
        guard let entry = getpwnam(user) else { throw EmbeddedPostgresError.noUnprivilegedUser(user) }
        let uid = entry.pointee.pw_uid
        let gid = entry.pointee.pw_gid
        var count: Int32 = 64
        var groups = [gid_t](repeating: 0, count: Int(count))
        if getgrouplist(user, gid, &groups, &count) < 0 {
            groups = [gid_t](repeating: 0, count: Int(count))
            _ = getgrouplist(user, gid, &groups, &count)
        }
        return SystemIdentity(name: user, uid: uid, gid: gid, groups: Array(groups.prefix(Int(max(count, 0)))))
    }

    /// Whether this user may search (enter) `path`.
    func canEnter(_ path: String) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0 else { return false }
        let mode = info.st_mode
        if info.st_uid == uid { return mode & S_IXUSR != 0 }
        if info.st_gid == gid || groups.contains(info.st_gid) { return mode & S_IXGRP != 0 }
        return mode & S_IXOTH != 0
    }

    /// The first folder from `/` down to `path`'s parent that this user cannot enter.
    func firstUnenterableAncestor(of path: String) -> String? {
        var ancestors: [String] = []
        var current = URL(fileURLWithPath: path).deletingLastPathComponent()
        while true {
            ancestors.append(current.path)
            if current.path == "/" || current.path.isEmpty { break }
            current = current.deletingLastPathComponent()
        }
        return ancestors.reversed().first { !canEnter($0) }
    }
}

extension ProcessRunner {
    /// Runs a PostgreSQL tool, through `runuser -u <user> --` when `identity` is set.
    static func runTool(_ tool: String, _ arguments: [String], as identity: SystemIdentity?,
                        environment: [String: String]? = nil) async throws -> ProcessResult {
        let (executable, all) = command(tool, arguments, as: identity)
        return try await run(executable, all, environment: environment)
    }

    /// The blocking form of ``runTool(_:_:as:environment:)``.
    static func runToolSync(_ tool: String, _ arguments: [String], as identity: SystemIdentity?,
                            environment: [String: String]? = nil) throws -> ProcessResult {
        let (executable, all) = command(tool, arguments, as: identity)
        return try runSync(executable, all, environment: environment)
    }

    private static func command(_ tool: String, _ arguments: [String],
                                as identity: SystemIdentity?) -> (String, [String]) {
        guard let identity else { return (tool, arguments) }
        let runuser = FileManager.default.isExecutableFile(atPath: "/usr/sbin/runuser") ? "/usr/sbin/runuser" : "/sbin/runuser"
        return (runuser, ["-u", identity.name, "--", tool] + arguments)
    }
}
