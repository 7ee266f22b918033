import Foundation
import Logging
import PostgresNIO
import Processes
import Store

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The cluster's password: generated once into `<directory>/secret` (mode 0600, owned by Kiln's
/// user, never by `postgres`), the superuser authenticates with SCRAM-SHA-256 and `pg_hba.conf`
/// holds no `trust` line. A cluster made by an older Kiln with `initdb -A trust` is upgraded on
/// start: the password is set, `pg_hba.conf` rewritten and reloaded.
extension EmbeddedPostgres {
    /// The rules Kiln writes: password (SCRAM-SHA-256) for every connection, loopback only.
    static let hbaRules = """
        # Written by Kiln: password (SCRAM-SHA-256) authentication only, loopback only; no trust.
        local   all             all                                     scram-sha-256
        host    all             all             127.0.0.1/32            scram-sha-256
        host    all             all             ::1/128                 scram-sha-256
        local   replication     all                                     scram-sha-256
        host    replication     all             127.0.0.1/32            scram-sha-256
        host    replication     all             ::1/128                 scram-sha-256

        """

    /// The secret in `secretFile`, created (64 hex characters from the system's CSPRNG) when
    /// missing. An existing file must be ours; group/other permissions are removed.
    static func loadOrCreateSecret(at path: String) throws -> String {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600)
        if descriptor >= 0 {
            var generator = SystemRandomNumberGenerator()
            let secret = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }
                .joined()
            let bytes = Array((secret + "\n").utf8)
            let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            close(descriptor)
            guard written == bytes.count else {
                unlink(path)
                throw EmbeddedPostgresError.fileSystem("cannot write \(path): \(String(cString: strerror(errno)))")
            }
            return secret
        }
        guard errno == EEXIST else {
            throw EmbeddedPostgresError.fileSystem("cannot create \(path): \(String(cString: strerror(errno)))")
        }
        var info = stat()
        guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            throw EmbeddedPostgresError.fileSystem("\(path) is not a regular file")
        }
        guard info.st_uid == geteuid() else {
            throw EmbeddedPostgresError.fileSystem("\(path) belongs to uid \(info.st_uid), not to Kiln's user")
        }
        if info.st_mode & 0o077 != 0, chmod(path, 0o600) != 0 {
            throw EmbeddedPostgresError.fileSystem("cannot chmod 600 \(path): \(String(cString: strerror(errno)))")
        }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw EmbeddedPostgresError.fileSystem("cannot read \(path)")
        }
        let secret = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard secret.count >= 32, !secret.contains("\n") else {
            throw EmbeddedPostgresError.fileSystem(
                "\(path) holds no usable secret (expected one line of 32+ characters)")
        }
        return secret
    }

    /// Whether `pg_hba.conf` of `dataDirectory` has a rule with `trust` authentication.
    static func hasTrustRule(dataDirectory: String) -> Bool {
        guard let text = try? String(contentsOfFile: dataDirectory + "/pg_hba.conf", encoding: .utf8) else {
            return false
        }
        return text.split(separator: "\n").contains { line in
            let rule = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            return rule.split(whereSeparator: { $0 == " " || $0 == "\t" }).contains("trust")
        }
    }

    /// Writes a file readable by the user running PostgreSQL only (chowned to it when we are root).
    static func writePrivate(_ text: String, to path: String, owner identity: SystemIdentity?) throws {
        do {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw EmbeddedPostgresError.fileSystem("cannot write \(path): \(error)")
        }
        guard chmod(path, 0o600) == 0 else {
            throw EmbeddedPostgresError.fileSystem("cannot chmod \(path): \(String(cString: strerror(errno)))")
        }
        if let identity, chown(path, identity.uid, identity.gid) != 0 {
            throw EmbeddedPostgresError.fileSystem(
                "cannot chown \(path) to \(identity.name): \(String(cString: strerror(errno)))")
        }
    }

    /// Upgrades a cluster that trusts local connections (made by an older Kiln): sets the
    /// superuser's password to the secret, rewrites `pg_hba.conf` and reloads it, then waits
    /// until a connection with a wrong password is refused.
    static func upgradeTrust(
        _ config: DatabaseConfig, dataDirectory: String, identity: SystemIdentity?, logger: Logger
    ) async throws {
        guard hasTrustRule(dataDirectory: dataDirectory), let password = config.password else { return }
        logger.notice(
            "the embedded PostgreSQL trusted local connections; switching it to password authentication",
            metadata: ["data": "\(dataDirectory)"])
        let admin = config.with(database: "postgres")
        let connection = try await PostgresConnection.connect(
            configuration: try admin.connectionConfiguration(), id: 1, logger: logger)
        do {
            try await connection.query("SET password_encryption = 'scram-sha-256'", logger: logger)
            let literal = "'" + password.replacingOccurrences(of: "'", with: "''") + "'"
            try await connection.query(
                PostgresQuery(unsafeSQL: "ALTER ROLE \(quoteIdentifier(config.username)) PASSWORD \(literal)"),
                logger: logger)
            try writePrivate(hbaRules, to: dataDirectory + "/pg_hba.conf", owner: identity)
            try await connection.query("SELECT pg_reload_conf()", logger: logger)
            try? await connection.close()
        } catch {
            try? await connection.close()
            throw error
        }
        var wrong = admin
        wrong.password = "not-the-secret"
        for attempt in 0..<100 {
            if attempt > 0 { try await Task.sleep(for: .milliseconds(50)) }
            if !(await canConnect(wrong, logger: logger)) { return }
        }
        throw EmbeddedPostgresError.notReady(
            port: config.port, detail: "pg_hba.conf was rewritten but PostgreSQL still trusts connections")
    }
}
