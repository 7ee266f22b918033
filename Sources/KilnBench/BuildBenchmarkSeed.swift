import CommandLineOptions
import Logging
import PostgresNIO
import Statuses

/// Bulk-creates idle, ready tasks for load tests and `kiln bench dispatch`: one build whose
/// tasks are written by a single `generate_series` insert, arches assigned round-robin.
package struct BuildBenchmarkSeed: Sendable {
    let client: PostgresClient
    let logger: Logger

    package init(client: PostgresClient, logger: Logger = Logger(label: "kiln.store.seed")) {
        self.client = client
        self.logger = logger
    }

    /// Ensures a user `username` and a platform `platform` with `arches`, then creates one build
    /// with `count` idle tasks (no dependencies). Returns the build id.
    package func seedIdleTasks(
        count: Int, arches: [String], platform: String = "bench-platform",
        username: String = "bench"
    ) async throws -> Int64 {
        precondition(!arches.isEmpty, "at least one arch")
        let archJSON = "[" + arches.map { "\"\($0)\"" }.joined(separator: ",") + "]"
        var userID: Int64 = 0
        for try await id in try await client.query(
            """
            INSERT INTO users (username, email) VALUES (\(username), \(username + "@example.org"))
            ON CONFLICT (username) DO UPDATE SET email = EXCLUDED.email RETURNING id
            """, logger: logger
        ).decode(Int64.self) { userID = id }
        var platformID: Int64 = 0
        for try await id in try await client.query(
            """
            INSERT INTO platforms (name, type, distr_type, distr_version, test_dist_name, arch_list, data, origin)
            VALUES (\(platform), 'rpm', 'rhel', '9', 'almalinux', \(archJSON)::jsonb, '{"mock": {}}'::jsonb, \(Origin.api.rawValue))
            ON CONFLICT (name) DO UPDATE SET arch_list = EXCLUDED.arch_list RETURNING id
            """, logger: logger
        ).decode(Int64.self) { platformID = id }
        var buildID: Int64 = 0
        for try await id in try await client.query(
            "INSERT INTO builds (created_by) VALUES (\(userID)) RETURNING id", logger: logger
        ).decode(Int64.self) { buildID = id }
        var refID: Int64 = 0
        for try await id in try await client.query(
            """
            INSERT INTO build_task_refs (url, git_ref, ref_type) VALUES ('https://git.example.org/rpms/bench.git', 'main', \(RefType.gitBranch.rawValue)) RETURNING id
            """, logger: logger
        ).decode(Int64.self) { refID = id }
        try await client.query(
            """
            INSERT INTO build_tasks (build_id, platform_id, ref_id, arch, index, package_name, exclude_key)
            SELECT \(buildID), \(platformID), \(refID), (\(arches)::text[])[(g % \(Int64(arches.count)))::int + 1], g, 'bench-' || g,
                   'https://git.example.org/rpms/bench.git'
            FROM generate_series(0, \(Int64(count)) - 1) AS g
            """, logger: logger)
        try await client.query("ANALYZE build_tasks", logger: logger)
        return buildID
    }
}
