import Foundation
import Logging
import PostgresNIO

/// The journal of the builds a distribution carries (`distribution_units`, migration 0044): what
/// each listed build added to the distribution's store repositories. Written before the store is
/// touched, deleted after a removal, so a stopped process leaves what the next reconcile finishes.
package struct DistributionUnitStore: Sendable {
    package let client: PostgresClient
    let logger: Logger

    package init(client: PostgresClient, logger: Logger = Logger(label: "kiln.store.distributions")) {
        self.client = client
        self.logger = logger
    }

    /// Every journaled unit, by distribution, build, repository and href.
    package func units() async throws -> [DistributionUnit] {
        try await select(PostgresQuery(unsafeSQL: "TRUE"))
    }

    /// The journal of one distribution and build.
    package func journal(distribution: String, buildID: Int64) async throws -> [DistributionUnit] {
        try await select("distribution = \(distribution) AND build_id = \(buildID)")
    }

    private func select(_ condition: PostgresQuery) async throws -> [DistributionUnit] {
        var query: PostgresQuery = """
            SELECT distribution, build_id, store_repository, content_href, file_name, nevra, sha256, already_present
            FROM distribution_units WHERE
            """
        query.sql += " " + condition.sql + " ORDER BY distribution, build_id, store_repository, content_href"
        query.binds = condition.binds
        var out: [DistributionUnit] = []
        for try await (d, b, repo, href, file, nevra, sha, present) in try await client.query(query, logger: logger)
            .decode((String, Int64, String, String, String, String, String, Bool).self)
        {
            out.append(
                DistributionUnit(
                    distribution: d, buildID: b, storeRepository: repo, contentHref: href, fileName: file,
                    nevra: nevra, sha256: sha, alreadyPresent: present))
        }
        return out
    }

    /// Journals `units` (all of one distribution and build) unless that build already has a
    /// journal, which is kept (a resumed add); returns the journal to carry out.
    package func begin(
        _ units: [DistributionUnit], distribution: String, buildID: Int64
    ) async throws
        -> [DistributionUnit]
    {
        try await client.withTransaction(logger: logger) { conn in
            try await conn.query(
                "SELECT pg_advisory_xact_lock(hashtext(\(distribution)), \(Int32(truncatingIfNeeded: buildID)))",
                logger: logger)
            try await conn.query(
                """
                INSERT INTO distribution_units (distribution, build_id, store_repository, content_href, file_name,
                                                nevra, sha256, already_present)
                SELECT \(distribution), \(buildID), u.repo, u.href, u.file, u.nevra, u.sha, u.present
                FROM unnest(\(units.map(\.storeRepository))::text[], \(units.map(\.contentHref))::text[],
                            \(units.map(\.fileName))::text[], \(units.map(\.nevra))::text[],
                            \(units.map(\.sha256))::text[], \(units.map(\.alreadyPresent))::bool[])
                  AS u(repo, href, file, nevra, sha, present)
                WHERE NOT EXISTS (
                    SELECT 1 FROM distribution_units x WHERE x.distribution = \(distribution) AND x.build_id = \(buildID))
                ON CONFLICT DO NOTHING
                """, logger: logger)
        }
        return try await journal(distribution: distribution, buildID: buildID)
    }

    /// Forgets what build `buildID` added to `distribution` (after its units were removed).
    package func forget(distribution: String, buildID: Int64) async throws {
        try await client.query(
            "DELETE FROM distribution_units WHERE distribution = \(distribution) AND build_id = \(buildID)",
            logger: logger)
    }
}
