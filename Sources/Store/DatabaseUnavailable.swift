import Foundation
import PostgresNIO

/// The database cannot be reached right now (an outage, not a bad statement): the caller
/// should retry later. Thrown by Kiln's own outage checks; PostgresNIO's connection and pool
/// errors are recognized by ``DatabaseUnavailable/isUnavailable(_:)``.
package struct DatabaseUnavailableError: Error, Sendable, CustomStringConvertible {
    /// What was seen, readable (e.g. "connection refused", "server closed the connection").
    package var cause: String

    package init(cause: String) {
        self.cause = cause
    }

    package var description: String { "database unreachable: \(cause)" }
}

/// Tells outages (PostgreSQL stopped, restarting, unreachable, the pool giving up) apart from
/// errors of a statement, and says what happened in a few words.
///
///     catch where DatabaseUnavailable.isUnavailable(error) { answer 503 }
package enum DatabaseUnavailable {
    /// SQLSTATE classes and codes PostgreSQL sends while going away or coming up:
    /// 08 connection exception, 57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now.
    static let outageSQLStates: Set<String> = ["57P01", "57P02", "57P03"]

    /// Whether `error` means the database is unreachable (as opposed to a failed statement).
    package static func isUnavailable(_ error: any Error) -> Bool {
        cause(of: error) != nil
    }

    /// A short readable cause when `error` is an outage, nil otherwise.
    package static func cause(of error: any Error) -> String? {
        if let error = error as? DatabaseUnavailableError { return error.cause }
        if let error = error as? PSQLError {
            switch error.code {
            case .connectionError:
                return "cannot connect" + (error.underlying.map { " (\(short($0)))" } ?? "")
            case .serverClosedConnection, .uncleanShutdown:
                return "the server closed the connection"
            case .clientClosedConnection:
                return "the connection was closed"
            case .poolClosed:
                return "the connection pool was closed"
            case .queryCancelled:
                // a lease cancelled while the pool waited for a connection
                return error.underlying.flatMap(cause(of:)) ?? (isPoolError(error.underlying) ? "no connection" : nil)
            case .server:
                let state = error.serverInfo?[.sqlState] ?? ""
                if state.hasPrefix("08") || outageSQLStates.contains(state) {
                    return error.serverInfo?[.message] ?? "the server is shutting down or starting up"
                }
                return nil
            default:
                return nil
            }
        }
        if isPoolError(error) { return "no connection could be made (\(error))" }
        if error is ChannelError || error is NIOConnectionError || error is IOError {
            return short(error)
        }
        return nil
    }

    /// `ConnectionPoolError` lives in a module PostgresNIO does not export: recognized by name.
    static func isPoolError(_ error: (any Error)?) -> Bool {
        guard let error else { return false }
        return String(reflecting: type(of: error)).hasSuffix("ConnectionPoolError")
    }

    static func short(_ error: any Error) -> String {
        if let error = error as? NIOConnectionError {
            return error.connectionErrors.first.map { "\($0.error)" } ?? "connection failed"
        }
        return String(describing: error).prefix(200).description
    }
}
