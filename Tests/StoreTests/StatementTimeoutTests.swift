import KilnTestSupport
import Logging
import PostgresNIO
import Store
import Testing

/// Issue 8: `kiln serve`'s pools carry `statement_timeout` (`DatabaseConfig.statementTimeout`,
/// from `KILN_STATEMENT_TIMEOUT`), so any single query — not only the build transactions — is
/// cancelled by PostgreSQL instead of holding a backend for minutes.
@Suite struct StatementTimeoutTests {
    static let logger = Logger(label: "kiln.test.statement-timeout")

    @Test func everyStatementOfATimedPoolIsCancelled() async throws {
        try await TestDatabase.with { client, url in
            var config = try DatabaseConfig(url: url)
            config.statementTimeout = .milliseconds(250)
            let timed = PostgresClient(configuration: config.clientConfiguration, backgroundLogger: Self.logger)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await timed.run() }
                defer { group.cancelAll() }

                var shown: [String] = []
                for try await value in try await timed.query("SHOW statement_timeout", logger: Self.logger)
                    .decode(String.self)
                {
                    shown.append(value)
                }
                #expect(shown == ["250ms"])

                // Another session holds the platforms table: a plain read on the timed pool waits
                // past the timeout and PostgreSQL cancels it.
                let cancelled = try await client.withConnection { connection in
                    try await connection.query("BEGIN", logger: Self.logger)
                    try await connection.query("LOCK TABLE platforms IN ACCESS EXCLUSIVE MODE", logger: Self.logger)
                    let cancelled: Bool
                    do {
                        _ = try await timed.query("SELECT count(*) FROM platforms", logger: Self.logger)
                            .collect()
                        cancelled = false
                    } catch {
                        cancelled = isStatementCancelled(error)
                    }
                    try await connection.query("ROLLBACK", logger: Self.logger)
                    return cancelled
                }
                #expect(cancelled)

                // Without a timeout (migrations, the command line) nothing is sent.
                config.statementTimeout = nil
                #expect(config.clientConfiguration.options.additionalStartupParameters.isEmpty)
            }
        }
    }
}
