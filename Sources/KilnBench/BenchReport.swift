import ArgumentParser
import CommandLineOptions
import EmbeddedPostgres
import Foundation
import Logging
import PostgresNIO
import Processes
import Settings
import Store

/// Plumbing shared by the `kiln bench` commands: timing, percentiles, progress lines,
/// table/JSON output, the PostgreSQL server and throwaway databases they run against.
enum Bench {
    /// A progress line on standard error (figures go to standard output).
    static func progress(_ message: String) {
        CommandOutput.error(message)
    }

    /// Milliseconds elapsed since `start`.
    static func ms(since start: ContinuousClock.Instant) -> Double {
        (ContinuousClock.now - start).milliseconds
    }

    /// Nearest-rank percentile (`p` in 0...1) of ascending values; 0 when empty.
    static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((Double(sorted.count) * p).rounded(.up))
        return sorted[min(sorted.count - 1, max(0, rank - 1))]
    }

    /// Prints `figures` as stable JSON, or calls `text` to print the table.
    static func report<T: Encodable>(_ figures: T, format: OutputFormat, text: () -> Void) {
        switch format {
        case .json: print((try? CommandOutput.json(figures)) ?? "{}")
        case .text: text()
        }
    }

    /// One decimal, for tables.
    static func fmt(_ value: Double) -> String {
        String(format: "%.1f", value)
    }

    /// Runs `body` with the configured PostgreSQL server: `--database-url` or `KILN_DATABASE_URL`,
    /// else the embedded cluster, started first and stopped after (also on error).
    static func withServer<T>(
        _ options: DatabaseOptions, settings: KilnSettings, logger: Logger,
        _ body: (DatabaseConfig) async throws -> T
    ) async throws -> T {
        if let config = try options.database(settings) {
            return try await body(config)
        }
        let postgres = EmbeddedPostgres(
            directory: EmbeddedPostgres.directory(home: options.home(settings)), logger: logger)
        let server = try await postgres.start()
        do {
            let value = try await body(server)
            try await postgres.stop()
            return value
        } catch {
            try? await postgres.stop()
            throw error
        }
    }

    /// Creates the databases `names` (dropped first if left over), runs `body`, drops them after
    /// (also on error).
    static func withScratchDatabases<T>(
        _ names: [String], on server: DatabaseConfig, logger: Logger,
        _ body: () async throws -> T
    ) async throws -> T {
        func drop() async {
            for name in names {
                try? await admin(server, logger: logger, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
            }
        }
        do {
            for name in names {
                try await admin(server, logger: logger, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
                try await admin(server, logger: logger, "CREATE DATABASE \(name)")
            }
            let value = try await body()
            await drop()
            return value
        } catch {
            await drop()
            throw error
        }
    }

    /// Runs one statement on the server's maintenance database (CREATE/DROP DATABASE).
    static func admin(_ server: DatabaseConfig, logger: Logger, _ sql: String) async throws {
        _ = try await KilnDatabase.withClient(config: server, logger: logger, migrate: false) { client in
            try await client.query(PostgresQuery(unsafeSQL: sql), logger: logger)
        }
    }
}

/// Latency percentiles of a set of samples, in milliseconds.
struct LatencySummary: Codable, Sendable {
    var samples: Int
    var p50Ms: Double
    var p95Ms: Double
    var p99Ms: Double
    var maxMs: Double

    init(_ values: [Double]) {
        let sorted = values.sorted()
        samples = sorted.count
        p50Ms = Bench.percentile(sorted, 0.50)
        p95Ms = Bench.percentile(sorted, 0.95)
        p99Ms = Bench.percentile(sorted, 0.99)
        maxMs = sorted.last ?? 0
    }

    enum CodingKeys: String, CodingKey {
        case samples
        case p50Ms = "p50_ms"
        case p95Ms = "p95_ms"
        case p99Ms = "p99_ms"
        case maxMs = "max_ms"
    }
}

/// A benchmark that could not run to the end.
struct BenchFailure: Error, CustomStringConvertible {
    var description: String
    init(_ bench: String, _ detail: String) { description = "kiln bench \(bench): " + detail }
}

extension Duration {
    var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }

    var milliseconds: Double { seconds * 1000 }
}

extension Array where Element == Duration {
    /// The middle value (upper middle for an even count); zero when empty.
    var median: Duration {
        guard !isEmpty else { return .zero }
        return sorted()[count / 2]
    }
}

/// Runs the git CLI for benchmark set-up (untimed).
enum BenchGit {
    static func commitAll(in path: String) throws {
        try run(["init", "--quiet", "--initial-branch=main"], in: path)
        try run(["add", "-A"], in: path)
        try run(["commit", "--quiet", "-m", "generated desired state"], in: path)
    }

    /// HEAD's SHA.
    static func head(in path: String) throws -> String {
        try run(["rev-parse", "HEAD"], in: path).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs `git -C path arguments...`; its standard output.
    @discardableResult
    static func run(_ arguments: [String], in path: String) throws -> String {
        let result = try ProcessRunner.runSync(
            "/usr/bin/env",
            [
                "git", "-C", path, "-c", "user.name=Kiln Bench",
                "-c", "user.email=bench@kiln.invalid",
                "-c", "commit.gpgsign=false"
            ] + arguments)
        guard result.succeeded else {
            throw ValidationError(
                "git \(arguments.joined(separator: " ")) failed with status \(result.status): \(result.output.suffix(500))"
            )
        }
        return result.output
    }
}
