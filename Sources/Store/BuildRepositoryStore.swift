import Logging
import PostgresNIO
import Statuses

/// A per-build artifact-store repository (`build_repositories`).
package struct BuildRepositoryRecord: Sendable, Equatable {
    package var buildID: Int64
    package var platformID: Int64
    package var arch: String
    package var kind: BuildRepositoryKind
    package var name: String
    package var url: String
    package var pulpHref: String?

    package init(
        buildID: Int64, platformID: Int64, arch: String, kind: BuildRepositoryKind, name: String, url: String,
        pulpHref: String?
    ) {
        self.buildID = buildID
        self.platformID = platformID
        self.arch = arch
        self.kind = kind
        self.name = name
        self.url = url
        self.pulpHref = pulpHref
    }
}

/// Rows of `build_repositories`.
package struct BuildRepositoryStore: Sendable {
    let client: PostgresClient
    let logger: Logger

    package init(client: PostgresClient, logger: Logger = Logger(label: "kiln.store.build-repositories")) {
        self.client = client
        self.logger = logger
    }

    /// Records the repository (idempotent: an existing row keeps its id, url and href are updated).
    package func record(_ r: BuildRepositoryRecord) async throws {
        try await client.query(
            """
            INSERT INTO build_repositories (build_id, platform_id, arch, kind, name, url, pulp_href)
            VALUES (\(r.buildID), \(r.platformID), \(r.arch), \(r.kind.rawValue), \(r.name), \(r.url), \(r.pulpHref))
            ON CONFLICT (build_id, platform_id, arch, kind) DO UPDATE SET url = EXCLUDED.url, pulp_href = EXCLUDED.pulp_href
            """, logger: logger)
    }

    /// The build's repositories, by id.
    package func repositories(buildID: Int64) async throws -> [BuildRepositoryRecord] {
        let rows = try await client.query(
            """
            SELECT build_id, platform_id, arch, kind, name, url, pulp_href FROM build_repositories
            WHERE build_id = \(buildID) ORDER BY id
            """, logger: logger)
        var result: [BuildRepositoryRecord] = []
        for try await (b, p, arch, rawKind, name, url, href) in rows.decode(
            (Int64, Int64, String, String, String, String, String?).self)
        {
            let kind = try StoredValue.decode(BuildRepositoryKind.self, rawKind, column: "build_repositories.kind")
            result.append(
                BuildRepositoryRecord(
                    buildID: b, platformID: p, arch: arch, kind: kind, name: name, url: url, pulpHref: href))
        }
        return result
    }
}
