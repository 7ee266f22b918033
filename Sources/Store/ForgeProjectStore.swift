import Logging
import PostgresNIO

/// A forge repository as the projects routes list it.
package struct ForgeProject: Sendable, Equatable {
    package var name: String
    package var cloneURL: String
    package var tags: [String]
    package var branches: [String]
    /// Gitea's `updated_at`: unchanged means tags and branches need not be read again.
    package var updatedAt: String

    package init(name: String, cloneURL: String, tags: [String], branches: [String], updatedAt: String) {
        self.name = name
        self.cloneURL = cloneURL
        self.tags = tags
        self.branches = branches
        self.updatedAt = updatedAt
    }
}

/// `forge_projects` and `forge_project_refreshes` (migration 0053): the cached listing, and the
/// lease that lets one process at a time refresh an organization once its listing is older than the TTL.
package struct ForgeProjectStore: Sendable {
    let client: PostgresClient
    let logger: Logger

    package init(client: PostgresClient, logger: Logger = Logger(label: "kiln.projects")) {
        self.client = client
        self.logger = logger
    }

    /// The cached repositories of `organization`, by name.
    package func projects(of organization: String) async throws -> [ForgeProject] {
        let rows = try await client.query(
            """
            SELECT name, clone_url, tags, branches, updated_at FROM forge_projects
            WHERE organization = \(organization) ORDER BY name
            """, logger: logger)
        var projects: [ForgeProject] = []
        for try await (name, url, tags, branches, updated) in rows.decode(
            (String, String, [String], [String], String).self)
        {
            projects.append(ForgeProject(name: name, cloneURL: url, tags: tags, branches: branches, updatedAt: updated))
        }
        return projects
    }

    /// Takes the refresh of `organization` for `lease` when its listing is missing or older than
    /// `ttl` and no other process holds it; false otherwise.
    package func claimRefresh(of organization: String, ttl: Duration, lease: Duration) async throws -> Bool {
        let (ttlSeconds, leaseSeconds) = (ttl.secondsValue, lease.secondsValue)
        try await client.query(
            "INSERT INTO forge_project_refreshes (organization) VALUES (\(organization)) ON CONFLICT DO NOTHING",
            logger: logger)
        let rows = try await client.query(
            """
            UPDATE forge_project_refreshes SET claimed_until = now() + make_interval(secs => \(leaseSeconds))
            WHERE organization = \(organization)
              AND (refreshed_at IS NULL OR refreshed_at <= now() - make_interval(secs => \(ttlSeconds)))
              AND (claimed_until IS NULL OR claimed_until < now())
            RETURNING organization
            """, logger: logger)
        for try await _ in rows.decode(String.self) { return true }
        return false
    }

    /// Replaces the listing of `organization` with `projects` in one transaction and releases the claim.
    package func store(_ projects: [ForgeProject], of organization: String) async throws {
        try await client.withTransaction(logger: logger) { connection in
            let names = projects.map(\.name)
            try await connection.query(
                "DELETE FROM forge_projects WHERE organization = \(organization) AND NOT (name = ANY(\(names)))",
                logger: logger)
            for project in projects {
                try await connection.query(
                    """
                    INSERT INTO forge_projects (organization, name, clone_url, tags, branches, updated_at)
                    VALUES (\(organization), \(project.name), \(project.cloneURL), \(project.tags),
                            \(project.branches), \(project.updatedAt))
                    ON CONFLICT (organization, name) DO UPDATE SET clone_url = EXCLUDED.clone_url,
                        tags = EXCLUDED.tags, branches = EXCLUDED.branches, updated_at = EXCLUDED.updated_at
                    """, logger: logger)
            }
            try await connection.query(
                """
                UPDATE forge_project_refreshes SET refreshed_at = now(), claimed_until = NULL, last_error = NULL
                WHERE organization = \(organization)
                """, logger: logger)
        }
    }

    /// Records a failed refresh (the cached listing stays) and releases the claim.
    package func recordFailure(of organization: String, error: String) async throws {
        try await client.query(
            """
            UPDATE forge_project_refreshes SET claimed_until = NULL, last_error = \(error)
            WHERE organization = \(organization)
            """, logger: logger)
    }
}

extension Duration {
    /// Seconds (for `make_interval`).
    fileprivate var secondsValue: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
