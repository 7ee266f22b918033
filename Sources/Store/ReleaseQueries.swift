import Foundation
import Logging
import PostgresNIO
import Statuses

/// Read-side queries of `/api/v1/releases` and the distribution add/remove routes: typed release
/// rows (with their builds, platforms, creator, desired state and placement) and the current
/// content of the desired-state files those write routes suggest. Reads only.
///
///     let (total, rows) = try await ReleaseQueries(client: client).releases(ReleaseFilter(), limit: 10, offset: 0)
package struct ReleaseQueries: Sendable {
    package let client: PostgresClient
    package let logger: Logger

    package init(client: PostgresClient, logger: Logger = Logger(label: "kiln.store.release-queries")) {
        self.client = client
        self.logger = logger
    }

    /// `releases.desired_state`: the `state:` of the release file.
    package enum DesiredState: String, Sendable, Codable, CaseIterable {
        case planned, committed, reverted
    }

    /// `releases.operation`: what a release in progress is doing.
    package enum Operation: String, Sendable, Codable, CaseIterable {
        case commit, revert
    }

    /// A platform a release names.
    package struct PlatformRef: Sendable, Equatable {
        package var id: Int64
        package var name: String
    }

    /// The user who created a release.
    package struct UserRef: Sendable, Equatable {
        package var id: Int64
        package var username: String
        package var email: String
    }

    /// Who committed or reverted a release, with which commit, when.
    package struct Mark: Sendable, Equatable {
        package var sha: String?
        package var author: String?
        package var at: Date?
    }

    /// One release as the API shows it.
    package struct ReleaseRow: Sendable, Equatable {
        package var id: Int64
        /// nil for a release made through the API without a name.
        package var name: String?
        package var status: ReleaseStatus
        /// `release_builds`, ascending.
        package var buildIDs: [Int64]
        /// `releases.plan` as JSON text.
        package var planJSON: String
        package var createdBy: UserRef?
        package var platform: PlatformRef
        package var referencePlatform: PlatformRef?
        package var origin: Origin
        package var commitSHA: String?
        package var desiredState: DesiredState
        package var operation: Operation?
        /// `releases.placement` as JSON text; nil when not computed (or not read: listings).
        package var placementJSON: String?
        package var placementAt: Date?
        /// nil when the release was never committed (no sha, author or time).
        package var committed: Mark?
        package var reverted: Mark?
        package var error: String?
        package var createdAt: Date
        package var updatedAt: Date
    }

    /// The filters of `GET /api/v1/releases/` (AND-combined; nil filters nothing).
    package struct ReleaseFilter: Sendable, Equatable {
        package var platformID: Int64?
        package var platformName: String?
        package var status: ReleaseStatus?

        package init(platformID: Int64? = nil, platformName: String? = nil, status: ReleaseStatus? = nil) {
            self.platformID = platformID
            self.platformName = platformName
            self.status = status
        }
    }

    /// A distribution as its file declares it: `distributions/<name>.yml`.
    package struct DistributionFileRow: Sendable, Equatable {
        package var id: Int64
        package var name: String
        /// Platform names, by platform id.
        package var platforms: [String]
        /// `distribution_builds`, ascending.
        package var builds: [Int64]
        package var origin: Origin
    }

    private static let columns = """
        r.id, r.name, r.status, p.id, p.name, rp.id, rp.name, r.plan::text, u.id, u.username, u.email,
        r.origin, r.commit_sha, r.desired_state, r.operation, r.placement_at,
        r.committed_sha, r.committed_author, r.committed_at, r.reverted_sha, r.reverted_author, r.reverted_at,
        r.error, r.created_at, r.updated_at,
        ARRAY(SELECT rb.build_id FROM release_builds rb WHERE rb.release_id = r.id ORDER BY rb.build_id)
        """

    private static let from = """
        FROM releases r JOIN platforms p ON p.id = r.platform_id
        LEFT JOIN platforms rp ON rp.id = r.reference_platform_id LEFT JOIN users u ON u.id = r.created_by
        """

    private static func condition(_ filter: ReleaseFilter) -> (String, PostgresBindings) {
        var binds = PostgresBindings()
        var parts: [String] = ["TRUE"]
        if let id = filter.platformID {
            binds.append(id)
            parts.append("r.platform_id = $\(binds.count)")
        }
        if let name = filter.platformName {
            binds.append(name)
            parts.append("p.name = $\(binds.count)")
        }
        if let status = filter.status {
            binds.append(status.rawValue)
            parts.append("r.status = $\(binds.count)")
        }
        return (parts.joined(separator: " AND "), binds)
    }

    /// How many releases `filter` selects, and `limit` of them from `offset` on, newest (highest
    /// id) first, without their placement.
    package func releases(
        _ filter: ReleaseFilter, limit: Int, offset: Int64
    ) async throws -> (total: Int, releases: [ReleaseRow]) {
        let (condition, countBinds) = Self.condition(filter)
        var total: Int64 = 0
        for try await count in try await client.query(
            PostgresQuery(unsafeSQL: "SELECT count(*) \(Self.from) WHERE \(condition)", binds: countBinds),
            logger: logger
        ).decode(Int64.self) { total = count }
        var binds = countBinds
        binds.append(Int64(limit))
        binds.append(offset)
        let sql = """
            SELECT \(Self.columns), NULL::text \(Self.from) WHERE \(condition)
            ORDER BY r.id DESC LIMIT $\(binds.count - 1) OFFSET $\(binds.count)
            """
        var rows: [ReleaseRow] = []
        for try await row in try await client.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger) {
            rows.append(try Self.release(row.makeRandomAccess()))
        }
        return (Int(total), rows)
    }

    /// One page (1-based) of `filter`'s releases.
    package func releasesPage(
        _ filter: ReleaseFilter, page: Int, pageSize: Int
    ) async throws -> (total: Int, releases: [ReleaseRow]) {
        try await releases(filter, limit: pageSize, offset: pageOffset(page: page, pageSize: pageSize))
    }

    /// Release `id` with its placement, nil when absent.
    package func release(id: Int64) async throws -> ReleaseRow? {
        var binds = PostgresBindings()
        binds.append(id)
        let sql = "SELECT \(Self.columns), r.placement::text \(Self.from) WHERE r.id = $1"
        for try await row in try await client.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger) {
            return try Self.release(row.makeRandomAccess())
        }
        return nil
    }

    /// Platform `id` (its name), nil when absent.
    package func platform(id: Int64) async throws -> PlatformRef? {
        for try await name in try await client.query("SELECT name FROM platforms WHERE id = \(id)", logger: logger)
            .decode(String.self)
        {
            return PlatformRef(id: id, name: name)
        }
        return nil
    }

    /// The ids of `ids` that are no build, ascending.
    package func missingBuilds(_ ids: [Int64]) async throws -> [Int64] {
        guard !ids.isEmpty else { return [] }
        var missing: [Int64] = []
        for try await id in try await client.query(
            """
            SELECT i FROM unnest(\(ids)::bigint[]) AS i
            WHERE NOT EXISTS (SELECT 1 FROM builds b WHERE b.id = i) ORDER BY i
            """, logger: logger
        ).decode(Int64.self) { missing.append(id) }
        return missing
    }

    /// Distribution `name` with its platforms and builds, nil when absent.
    package func distributionFile(name: String) async throws -> DistributionFileRow? {
        var found: (id: Int64, name: String, origin: Origin)?
        for try await (id, name, origin) in try await client.query(
            "SELECT id, name, origin FROM distributions WHERE name = \(name)", logger: logger
        ).decode((Int64, String, String).self) {
            found = (id, name, try StoredValue.decode(Origin.self, origin, column: "distributions.origin"))
        }
        guard let found else { return nil }
        var platforms: [String] = []
        for try await platform in try await client.query(
            """
            SELECT p.name FROM distribution_platforms dp JOIN platforms p ON p.id = dp.platform_id
            WHERE dp.distribution_id = \(found.id) ORDER BY p.id
            """, logger: logger
        ).decode(String.self) { platforms.append(platform) }
        var builds: [Int64] = []
        for try await build in try await client.query(
            "SELECT build_id FROM distribution_builds WHERE distribution_id = \(found.id) ORDER BY build_id",
            logger: logger
        ).decode(Int64.self) { builds.append(build) }
        return DistributionFileRow(
            id: found.id, name: found.name, platforms: platforms, builds: builds, origin: found.origin)
    }

    /// The row in `columns` order, then the placement text.
    private static func release(_ c: PostgresRandomAccessRow) throws -> ReleaseRow {
        let status = try StoredValue.decode(ReleaseStatus.self, try c[2].decode(Int16.self), column: "releases.status")
        let referencePlatform = try c[5].decode(Int64?.self).map {
            PlatformRef(id: $0, name: try c[6].decode(String.self))
        }
        let createdBy = try c[8].decode(Int64?.self).map {
            UserRef(id: $0, username: try c[9].decode(String.self), email: try c[10].decode(String.self))
        }
        func mark(_ start: Int) throws -> Mark? {
            let mark = Mark(
                sha: try c[start].decode(String?.self), author: try c[start + 1].decode(String?.self),
                at: try c[start + 2].decode(Date?.self))
            return mark.sha == nil && mark.author == nil && mark.at == nil ? nil : mark
        }
        return ReleaseRow(
            id: try c[0].decode(Int64.self), name: try c[1].decode(String?.self), status: status,
            buildIDs: try c[25].decode([Int64].self), planJSON: try c[7].decode(String.self), createdBy: createdBy,
            platform: PlatformRef(id: try c[3].decode(Int64.self), name: try c[4].decode(String.self)),
            referencePlatform: referencePlatform,
            origin: try StoredValue.decode(Origin.self, try c[11].decode(String.self), column: "releases.origin"),
            commitSHA: try c[12].decode(String?.self),
            desiredState: try StoredValue.decode(
                DesiredState.self, try c[13].decode(String.self), column: "releases.desired_state"),
            operation: try c[14].decode(String?.self).map {
                try StoredValue.decode(Operation.self, $0, column: "releases.operation")
            },
            placementJSON: try c[26].decode(String?.self), placementAt: try c[15].decode(Date?.self),
            committed: try mark(16), reverted: try mark(19), error: try c[22].decode(String?.self),
            createdAt: try c[23].decode(Date.self), updatedAt: try c[24].decode(Date.self))
    }
}
