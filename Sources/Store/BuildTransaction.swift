import Logging
import PostgresNIO

/// Runs `body` in a transaction on one pooled connection: COMMIT when it returns,
/// ROLLBACK when it throws, and the body's own error is rethrown unchanged
/// (PostgresNIO's `withTransaction` wraps it). With `statementTimeout` set, every statement of
/// the transaction is cancelled by PostgreSQL after that long (`SET LOCAL statement_timeout`),
/// the transaction rolls back and `BuildStoreError.timedOut` is thrown: no request holds a
/// backend for minutes.
func buildTransaction<R: Sendable>(
    _ client: PostgresClient, logger: Logger, statementTimeout: Duration? = nil,
    _ body: @Sendable (PostgresConnection) async throws -> R
) async throws -> R {
    do {
        return try await client.withConnection { connection in
            try await transaction(on: connection, logger: logger) { connection in
                if let statementTimeout {
                    let milliseconds = String(max(1, statementTimeout.milliseconds))
                    try await connection.query(
                        "SELECT set_config('statement_timeout', \(milliseconds), true)", logger: logger)
                }
                return try await body(connection)
            }
        }
    } catch let error as PSQLError where error.serverInfo?[.sqlState] == queryCanceledState {
        guard let statementTimeout else { throw error }
        throw BuildStoreError.timedOut(
            "The request's database work ran longer than the statement timeout of "
                + "\(statementTimeout.milliseconds) ms (KILN_STATEMENT_TIMEOUT) and was rolled back; nothing was changed"
        )
    }
}

/// PostgreSQL's SQLSTATE for a statement cancelled (by `statement_timeout` among others).
private let queryCanceledState = "57014"

/// Whether `error` is PostgreSQL cancelling a statement (`statement_timeout`, 57014): the
/// statement's transaction is rolled back, nothing it did is kept.
package func isStatementCancelled(_ error: any Error) -> Bool {
    (error as? PSQLError)?.serverInfo?[.sqlState] == queryCanceledState
}

extension Duration {
    /// The duration in whole milliseconds (rounded down, saturating).
    var milliseconds: Int64 {
        let parts = components
        let (scaled, overflow) = parts.seconds.multipliedReportingOverflow(by: 1000)
        return overflow ? Int64.max : scaled + parts.attoseconds / 1_000_000_000_000_000
    }
}

/// Runs `body` between BEGIN and COMMIT on `connection`, rolling back when it throws;
/// the body's error passes through unwrapped.
func transaction<R: Sendable>(
    on connection: PostgresConnection, logger: Logger,
    _ body: (PostgresConnection) async throws -> R
) async throws -> R {
    try await connection.query("BEGIN", logger: logger)
    do {
        let value = try await body(connection)
        try await connection.query("COMMIT", logger: logger)
        return value
    } catch {
        _ = try? await connection.query("ROLLBACK", logger: logger)
        throw error
    }
}
