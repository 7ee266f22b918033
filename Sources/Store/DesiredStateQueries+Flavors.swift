import PostgresNIO
import Statuses

extension DesiredStateQueries {
    /// A platform flavor with its repositories (`GET /api/v1/platform_flavors/`).
    package struct FlavorRow: Sendable, Equatable {
        package var id: Int64
        package var name: String
        /// Stored JSON text of `modularity`, nil when not declared.
        package var modularityJSON: String?
        /// Stored JSON text of `data`.
        package var dataJSON: String
        package var repositories: [RepositoryRow]
        package var origin: Origin
        package var commitSHA: String?
    }

    /// Every platform flavor with its repositories, ordered by id.
    package func flavors() async throws -> [FlavorRow] {
        var flavors: [FlavorRow] = []
        for try await row in try await client.query(
            "SELECT f.id, f.name, f.modularity::text, f.data::text, f.origin, f.commit_sha FROM platform_flavors f ORDER BY f.id",
            logger: logger)
        {
            let c = row.makeRandomAccess()
            flavors.append(
                FlavorRow(
                    id: try c[0].decode(Int64.self), name: try c[1].decode(String.self),
                    modularityJSON: try c[2].decode(String?.self), dataJSON: try c[3].decode(String.self),
                    repositories: [],
                    origin: try StoredValue.decode(
                        Origin.self, try c[4].decode(String.self), column: "platform_flavors.origin"),
                    commitSHA: try c[5].decode(String?.self)))
        }
        var position: [Int64: Int] = [:]
        for (index, flavor) in flavors.enumerated() { position[flavor.id] = index }
        for try await row in try await client.query(
            PostgresQuery(
                unsafeSQL: """
                    SELECT fr.flavor_id, \(Self.repositoryColumns)
                    FROM platform_flavor_repositories fr JOIN repositories r ON r.id = fr.repository_id ORDER BY r.id
                    """), logger: logger)
        {
            let c = row.makeRandomAccess()
            if let index = position[try c[0].decode(Int64.self)] {
                flavors[index].repositories.append(try Self.repository(c, at: 1))
            }
        }
        return flavors
    }
}
