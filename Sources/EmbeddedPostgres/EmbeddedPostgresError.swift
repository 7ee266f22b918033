import Foundation

/// Why the embedded PostgreSQL cluster could not be prepared, started or stopped.
package enum EmbeddedPostgresError: Error, CustomStringConvertible, Sendable {
    /// No `initdb`/`pg_ctl` under /usr/lib/postgresql/*/bin (or the configured folder).
    case binariesNotFound(searched: [String])
    /// We run as root and the `postgres` user does not exist.
    case noUnprivilegedUser(String)
    /// A folder above the cluster cannot be entered by the user that runs PostgreSQL.
    case parentNotEnterable(path: String, user: String)
    /// The data folder exists, is not empty and holds no cluster.
    case notACluster(path: String)
    /// A child process (initdb, pg_ctl) exited with an error.
    case processFailed(command: String, status: Int32, output: String)
    /// The server started but never accepted a connection.
    case notReady(port: Int, detail: String)
    /// A file-system operation failed.
    case fileSystem(String)
    /// The cluster refuses the password in the secret file (the file was replaced or lost).
    case wrongSecret(path: String)

    package var description: String {
        switch self {
        case .binariesNotFound(let searched):
            return
                "PostgreSQL binaries (initdb, pg_ctl) not found in \(searched.joined(separator: ", ")); install postgresql or pass a database URL"
        case .noUnprivilegedUser(let user):
            return "running as root, PostgreSQL refuses root, and user '\(user)' does not exist"
        case .parentNotEnterable(let path, let user):
            return
                "user '\(user)' cannot enter \(path) (needs the x permission); place the cluster elsewhere (e.g. KILN_HOME under /tmp or /var/lib) or chmod o+x \(path)"
        case .notACluster(let path):
            return "\(path) exists and is not empty but holds no PostgreSQL cluster (no PG_VERSION)"
        case .processFailed(let command, let status, let output):
            return "\(command) failed with status \(status): \(output.trimmingCharacters(in: .whitespacesAndNewlines))"
        case .notReady(let port, let detail):
            return "PostgreSQL on 127.0.0.1:\(port) did not become ready: \(detail)"
        case .fileSystem(let message):
            return message
        case .wrongSecret(let path):
            return
                "the embedded PostgreSQL refuses the password in \(path): restore that file, or remove the cluster folder to start over"
        }
    }
}
