import Foundation
import Logging
import PostgresNIO
import Spec
import Statuses

/// Read-side queries of the desired-state API (`GET /api/v1/platforms/`, ...): typed rows with
/// the ALBS fields plus `origin` and `commitSHA` (the commit that last wrote the row).
///
///     let platforms = try await DesiredStateQueries(client: client).platforms()
package struct DesiredStateQueries: Sendable {
    package let client: PostgresClient
    package let logger: Logger

    package init(client: PostgresClient, logger: Logger = Logger(label: "kiln.store.desired-state-queries")) {
        self.client = client
        self.logger = logger
    }

    /// The repository columns, prefixed with `r.`, in `repository(from:at:)` order.
    static let repositoryColumns = """
        r.id, r.name, r.arch, r.url, r.type, r.debug, r.production, r.pulp_href, r.origin, r.commit_sha,
        r.sync_interval_seconds, r.sync_policy, r.sync_read_only
        """

    /// Every platform with its repositories, ordered by id.
    package func platforms() async throws -> [PlatformRow] {
        var platforms: [PlatformRow] = []
        for try await row in try await client.query(
            """
            SELECT p.id, p.name, p.type, p.distr_type, p.distr_version, p.test_dist_name, p.arch_list::text,
                   p.data::text, p.origin, p.commit_sha, p.skip_tests, p.release_requires_tests
            FROM platforms p ORDER BY p.id
            """, logger: logger)
        {
            let c = row.makeRandomAccess()
            platforms.append(
                PlatformRow(
                    id: try c[0].decode(Int64.self), name: try c[1].decode(String.self),
                    type: try c[2].decode(String.self),
                    distrType: try c[3].decode(String.self), distrVersion: try c[4].decode(String.self),
                    testDistName: try c[5].decode(String.self),
                    archList: decodeStringArray(try c[6].decode(String.self)),
                    dataJSON: try c[7].decode(String.self), repositories: [],
                    origin: try StoredValue.decode(
                        Origin.self, try c[8].decode(String.self), column: "platforms.origin"),
                    commitSHA: try c[9].decode(String?.self), skipTests: try c[10].decode(Bool.self),
                    releaseRequiresTests: try c[11].decode(Bool.self)))
        }
        var position: [Int64: Int] = [:]
        for (index, platform) in platforms.enumerated() { position[platform.id] = index }
        for try await row in try await client.query(
            PostgresQuery(
                unsafeSQL: """
                    SELECT pr.platform_id, \(Self.repositoryColumns)
                    FROM platform_repositories pr JOIN repositories r ON r.id = pr.repository_id ORDER BY r.id
                    """), logger: logger)
        {
            let c = row.makeRandomAccess()
            if let index = position[try c[0].decode(Int64.self)] {
                platforms[index].repositories.append(try Self.repository(c, at: 1))
            }
        }
        return platforms
    }

    /// Every distribution with its platforms (id, name, arch_list), ordered by id.
    package func distributions() async throws -> [DistributionRow] {
        var distributions: [DistributionRow] = []
        for try await (id, name, origin, sha) in try await client.query(
            "SELECT id, name, origin, commit_sha FROM distributions ORDER BY id", logger: logger
        ).decode((Int64, String, String, String?).self) {
            distributions.append(
                DistributionRow(
                    id: id, name: name, platforms: [],
                    origin: try StoredValue.decode(Origin.self, origin, column: "distributions.origin"), commitSHA: sha)
            )
        }
        var position: [Int64: Int] = [:]
        for (index, distribution) in distributions.enumerated() { position[distribution.id] = index }
        for try await (distributionID, id, name, arches) in try await client.query(
            """
            SELECT dp.distribution_id, p.id, p.name, p.arch_list::text
            FROM distribution_platforms dp JOIN platforms p ON p.id = dp.platform_id ORDER BY p.id
            """, logger: logger
        ).decode((Int64, Int64, String, String).self) {
            if let index = position[distributionID] {
                distributions[index].platforms.append(
                    DistributionPlatformRow(id: id, name: name, archList: decodeStringArray(arches)))
            }
        }
        return distributions
    }

    /// Every repository (desired-state and build ones, as ALBS lists them), ordered by id.
    package func repositories() async throws -> [RepositoryRow] {
        var repositories: [RepositoryRow] = []
        for try await row in try await client.query(
            PostgresQuery(
                unsafeSQL: """
                    SELECT \(Self.repositoryColumns) FROM repositories r ORDER BY r.id
                    """), logger: logger)
        {
            repositories.append(try Self.repository(row.makeRandomAccess(), at: 0))
        }
        return repositories
    }

    /// One repository, nil when absent.
    package func repository(id: Int64) async throws -> RepositoryRow? {
        var binds = PostgresBindings()
        binds.append(id)
        for try await row in try await client.query(
            PostgresQuery(
                unsafeSQL: """
                    SELECT \(Self.repositoryColumns) FROM repositories r WHERE r.id = $1
                    """, binds: binds), logger: logger)
        {
            return try Self.repository(row.makeRandomAccess(), at: 0)
        }
        return nil
    }

    /// Every sign key, ordered by id.
    package func signKeys() async throws -> [SignKeyRow] {
        var keys: [SignKeyRow] = []
        for try await row in try await client.query(
            """
            SELECT k.id, k.name, k.description, k.keyid, k.fingerprint, k.public_url, k.inserted, k.origin,
                   k.commit_sha, k.active, k.archived,
                   COALESCE((SELECT array_agg(kp.platform_id ORDER BY kp.platform_id) FROM sign_key_platforms kp
                             WHERE kp.sign_key_id = k.id), '{}')
            FROM sign_keys k ORDER BY k.id
            """, logger: logger)
        {
            let c = row.makeRandomAccess()
            keys.append(
                SignKeyRow(
                    id: try c[0].decode(Int64.self), name: try c[1].decode(String.self),
                    description: try c[2].decode(String.self), keyid: try c[3].decode(String.self),
                    fingerprint: try c[4].decode(String.self), publicURL: try c[5].decode(String.self),
                    inserted: try c[6].decode(Date.self),
                    origin: try StoredValue.decode(
                        Origin.self, try c[7].decode(String.self), column: "sign_keys.origin"),
                    commitSHA: try c[8].decode(String?.self), active: try c[9].decode(Bool.self),
                    archived: try c[10].decode(Date?.self), platformIDs: try c[11].decode([Int64].self)))
        }
        return keys
    }

    /// The name and origin of platform `id`, nil when absent.
    package func platform(id: Int64) async throws -> (name: String, origin: Origin)? {
        let rows = try await client.query("SELECT name, origin FROM platforms WHERE id = \(id)", logger: logger)
        for try await (name, origin) in rows.decode((String, String).self) {
            return (name, try StoredValue.decode(Origin.self, origin, column: "platforms.origin"))
        }
        return nil
    }

    /// The name and origin of sign key `id`, nil when absent.
    package func signKey(id: Int64) async throws -> (name: String, origin: Origin)? {
        let rows = try await client.query("SELECT name, origin FROM sign_keys WHERE id = \(id)", logger: logger)
        for try await (name, origin) in rows.decode((String, String).self) {
            return (name, try StoredValue.decode(Origin.self, origin, column: "sign_keys.origin"))
        }
        return nil
    }

    /// The repository in the cells from `start` on (`repositoryColumns` order).
    static func repository(_ c: PostgresRandomAccessRow, at start: Int) throws -> RepositoryRow {
        RepositoryRow(
            id: try c[start].decode(Int64.self), name: try c[start + 1].decode(String.self),
            arch: try c[start + 2].decode(String.self), url: try c[start + 3].decode(String.self),
            type: try c[start + 4].decode(String.self), debug: try c[start + 5].decode(Bool.self),
            production: try c[start + 6].decode(Bool.self), pulpHref: try c[start + 7].decode(String?.self),
            origin: try StoredValue.decode(
                Origin.self, try c[start + 8].decode(String.self), column: "repositories.origin"),
            commitSHA: try c[start + 9].decode(String?.self),
            sync: RepositorySync(
                stored: try c[start + 10].decode(Int32?.self), try c[start + 11].decode(String?.self),
                try c[start + 12].decode(Bool?.self)))
    }
}
