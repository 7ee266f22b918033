import Logging
import PostgresNIO

/// Runs `body` in a transaction on one pooled connection: COMMIT when it returns,
/// ROLLBACK when it throws, and the body's own error is rethrown unchanged
/// (PostgresNIO's `withTransaction` wraps it).
func buildTransaction<R: Sendable>(
    _ client: PostgresClient, logger: Logger,
    _ body: @Sendable (PostgresConnection) async throws -> R
) async throws -> R {
    try await client.withConnection { connection in
        try await transaction(on: connection, logger: logger, body)
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
