import Foundation
import PostgresNIO

/// Where a PostgreSQL database is and how to log in; parsed from a URL or made by ``EmbeddedPostgres``.
///
///     let config = try DatabaseConfig(url: "postgres://kiln:secret@db:5432/kiln?sslmode=disable")
///     let client = PostgresClient(configuration: config.clientConfiguration, backgroundLogger: logger)
package struct DatabaseConfig: Sendable, Hashable {
    /// Whether to use TLS (the URL's `sslmode`).
    package enum TLSMode: String, Sendable, Hashable, CaseIterable {
        /// Plain TCP (the default, also when `sslmode` is absent).
        case disable
        /// TLS if the server offers it.
        case prefer
        /// TLS or fail (`sslmode=require`, `verify-ca` and `verify-full` all map here; certificates are verified).
        case require
    }

    package var host: String
    package var port: Int
    package var username: String
    package var password: String?
    package var database: String
    package var tls: TLSMode
    /// The longest one statement of this configuration's sessions may run before PostgreSQL
    /// cancels it (`statement_timeout`, sent at connect); nil: the server's default (none).
    /// `kiln serve` sets it on its request pools (`KILN_STATEMENT_TIMEOUT`), never on migrations.
    package var statementTimeout: Duration?

    package init(
        host: String, port: Int = 5432, username: String, password: String? = nil,
        database: String, tls: TLSMode = .disable
    ) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.tls = tls
    }

    /// The same configuration pointing at another database on the same server.
    package func with(database: String) -> DatabaseConfig {
        var copy = self
        copy.database = database
        return copy
    }

    /// `postgres://user[:password]@host:port/database?sslmode=...`, percent-encoded.
    package var url: String {
        var components = URLComponents()
        components.scheme = "postgres"
        components.user = username
        components.password = password
        components.host = host.contains(":") ? "[\(host)]" : host
        components.port = port
        components.path = "/" + database
        components.queryItems = [URLQueryItem(name: "sslmode", value: tls.rawValue)]
        return components.string ?? "postgres://\(username)@\(host):\(port)/\(database)?sslmode=\(tls.rawValue)"
    }

    /// The URL with the password replaced by `***`, for logs.
    package var redactedURL: String {
        guard password != nil else { return url }
        var copy = self
        copy.password = "***"
        return copy.url
    }

    /// A `PostgresClient` configuration (pooled connections).
    package var clientConfiguration: PostgresClient.Configuration {
        let clientTLS: PostgresClient.Configuration.TLS
        switch tls {
        case .disable: clientTLS = .disable
        case .prefer: clientTLS = .prefer(.makeClientConfiguration())
        case .require: clientTLS = .require(.makeClientConfiguration())
        }
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: username,
            password: password, database: database, tls: clientTLS)
        if let statementTimeout {
            let milliseconds = max(1, statementTimeout.milliseconds)
            configuration.options.additionalStartupParameters.append(("statement_timeout", "\(milliseconds)"))
        }
        return configuration
    }

    /// A single-connection configuration (used for administrative statements).
    package func connectionConfiguration() throws -> PostgresConnection.Configuration {
        let connectionTLS: PostgresConnection.Configuration.TLS
        switch tls {
        case .disable: connectionTLS = .disable
        case .prefer: connectionTLS = .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
        case .require: connectionTLS = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        }
        return PostgresConnection.Configuration(
            host: host, port: port, username: username,
            password: password, database: database, tls: connectionTLS)
    }
}

extension DatabaseConfig {
    /// Parses `postgres://user:pass@host:port/db?sslmode=disable` (scheme `postgres` or `postgresql`).
    ///
    /// Port defaults to 5432, the database to the user name. Only `sslmode` is accepted as a parameter.
    package init(url string: String) throws {
        func fail(_ reason: String) -> DatabaseConfigError {
            DatabaseConfigError(url: DatabaseConfigError.redact(string), reason: reason)
        }
        guard let components = URLComponents(string: string) else { throw fail("not a valid URL") }
        guard let scheme = components.scheme?.lowercased() else {
            throw fail("missing scheme; expected postgres://user@host/database")
        }
        guard scheme == "postgres" || scheme == "postgresql" else {
            throw fail("scheme must be postgres:// or postgresql://, not \(scheme)://")
        }
        guard var host = components.host, !host.isEmpty else { throw fail("missing host") }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard let user = components.user, !user.isEmpty else { throw fail("missing user name") }
        if let port = components.port, !(1...65535).contains(port) {
            throw fail("port \(port) is out of range 1-65535")
        }
        var database = components.path
        if database.hasPrefix("/") { database.removeFirst() }
        if database.contains("/") { throw fail("database name must not contain '/'") }
        if database.isEmpty { database = user }
        var tls = TLSMode.disable
        for item in components.queryItems ?? [] {
            guard item.name == "sslmode" else {
                throw fail("unsupported parameter '\(item.name)' (only sslmode is accepted)")
            }
            switch item.value ?? "" {
            case "disable": tls = .disable
            case "allow", "prefer": tls = .prefer
            case "require", "verify-ca", "verify-full": tls = .require
            default:
                throw fail(
                    "sslmode must be disable, prefer, require, verify-ca or verify-full, not '\(item.value ?? "")'")
            }
        }
        self.init(
            host: host, port: components.port ?? 5432, username: user,
            password: components.password, database: database, tls: tls)
    }
}

/// A database URL that cannot be used; the password is never included in the message.
package struct DatabaseConfigError: Error, CustomStringConvertible, Sendable, Equatable {
    package var url: String
    package var reason: String
    package var description: String { "invalid database URL \(url): \(reason)" }

    /// `url` with its password (if any) replaced by `***`, for messages and logs.
    package static func redact(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.password != nil else { return url }
        components.password = "***"
        return components.string ?? "(unprintable)"
    }
}
