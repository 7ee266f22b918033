import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An unprivileged system user a child process runs as when this process is root (PostgreSQL
/// refuses to run as root).
package struct SystemIdentity: Sendable {
    package var name: String
    package var uid: uid_t
    package var gid: gid_t
    package var groups: [gid_t]

    /// nil when we are not root (run the binaries directly); otherwise the `user` account.
    package static func forRunning(as user: String) throws -> SystemIdentity? {
        guard getuid() == 0 else { return nil }
        guard let entry = getpwnam(user) else {
            throw ProcessError(command: "getpwnam", message: "running as root and user '\(user)' does not exist")
        }
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
    package func canEnter(_ path: String) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0 else { return false }
        let mode = info.st_mode
        if info.st_uid == uid { return mode & S_IXUSR != 0 }
        if info.st_gid == gid || groups.contains(info.st_gid) { return mode & S_IXGRP != 0 }
        return mode & S_IXOTH != 0
    }

    /// The first folder from `/` down to `path`'s parent that this user cannot enter.
    package func firstUnenterableAncestor(of path: String) -> String? {
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

extension SystemIdentity {
    /// `runuser`, which starts a command as another user.
    static var runuser: String {
        FileManager.default.isExecutableFile(atPath: "/usr/sbin/runuser") ? "/usr/sbin/runuser" : "/sbin/runuser"
    }
}
