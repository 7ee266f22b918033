import Foundation
import Logging
import PostgresNIO
import Spec
import Statuses

extension DesiredStateStore {
    /// Every platform flavor with its linked repositories and the number of builds naming it.
    func readFlavors() async throws -> [DesiredStateRows.FlavorRow] {
        var links: [Int64: [Repository]] = [:]
        let linkRows = try await client.query(
            """
            SELECT fr.flavor_id, r.name, r.arch, r.debug, r.url, r.type, r.production,
                   r.sync_interval_seconds, r.sync_policy, r.sync_read_only
            FROM platform_flavor_repositories fr JOIN repositories r ON r.id = fr.repository_id
            ORDER BY r.name, r.arch, r.debug
            """, logger: logger)
        for try await (fid, name, arch, debug, url, type, production, interval, policy, readOnly)
            in linkRows.decode((Int64, String, String, Bool, String, String, Bool, Int32?, String?, Bool?).self)
        {
            links[fid, default: []].append(
                Repository(
                    name: name, arch: arch, url: url, type: type, debug: debug, production: production,
                    sync: RepositorySync(stored: interval, policy, readOnly)))
        }
        let rows = try await client.query(
            """
            SELECT f.id, f.name, f.modularity::text, f.data::text, f.origin,
                   (SELECT count(*) FROM build_platform_flavors b WHERE b.flavor_id = f.id)
            FROM platform_flavors f ORDER BY f.name
            """, logger: logger)
        let json = JSONDecoder()
        var out: [DesiredStateRows.FlavorRow] = []
        for try await (id, name, modularity, data, origin, builds)
            in rows.decode((Int64, String, String?, String, String, Int64).self)
        {
            let flavor = Flavor(
                name: name,
                modularity: modularity.flatMap { try? json.decode([String: JSONValue].self, from: Data($0.utf8)) },
                data: (try? json.decode([String: JSONValue].self, from: Data(data.utf8))) ?? [:],
                repos: links[id] ?? [])
            out.append(
                .init(flavor: flavor, origin: try Self.origin(origin, "platform_flavors"), buildCount: Int(builds)))
        }
        return out
    }

    /// The flavor row and its links to `repos` (by key; the repository rows must exist).
    static func upsertFlavor(
        _ f: Flavor, commitSHA sha: String, on conn: PostgresConnection, logger: Logger
    ) async throws {
        let git = Origin.git.rawValue
        let modularity = try f.modularity.map { try jsonText($0) }
        let data = try jsonText(f.data)
        let rows = try await conn.query(
            """
            INSERT INTO platform_flavors (name, modularity, data, origin, commit_sha)
            VALUES (\(f.name), \(modularity)::jsonb, \(data)::jsonb, \(git), \(sha))
            ON CONFLICT (name) DO UPDATE SET modularity = EXCLUDED.modularity, data = EXCLUDED.data,
              origin = EXCLUDED.origin, commit_sha = EXCLUDED.commit_sha, updated_at = now()
            RETURNING id
            """, logger: logger)
        var flavorID: Int64 = 0
        for try await id in rows.decode(Int64.self) { flavorID = id }
        let keys = Set(f.repos.map(\.key)).sorted()
        let names = keys.map(\.name)
        let arches = keys.map(\.arch)
        let debugs = keys.map(\.debug)
        try await conn.query(
            """
            DELETE FROM platform_flavor_repositories fr WHERE fr.flavor_id = \(flavorID) AND NOT EXISTS (
              SELECT 1 FROM repositories r
              JOIN unnest(\(names)::text[], \(arches)::text[], \(debugs)::bool[]) AS k(name, arch, debug)
                ON r.name = k.name AND r.arch = k.arch AND r.debug = k.debug
              WHERE r.id = fr.repository_id)
            """, logger: logger)
        try await conn.query(
            """
            INSERT INTO platform_flavor_repositories (flavor_id, repository_id)
            SELECT \(flavorID), r.id FROM repositories r
            JOIN unnest(\(names)::text[], \(arches)::text[], \(debugs)::bool[]) AS k(name, arch, debug)
              ON r.name = k.name AND r.arch = k.arch AND r.debug = k.debug
            ON CONFLICT DO NOTHING
            """, logger: logger)
    }
}
