import Logging
import PostgresNIO

/// Reads and writes the desired-state tables (repositories, platforms, distributions,
/// sign keys, git releases) in bulk: a handful of queries, whatever the row count.
///
///     let rows = try await DesiredStateStore(client: client).read()
///     try await DesiredStateStore(client: client).apply(writes, commitSHA: sha)
public struct DesiredStateStore: Sendable {
    public let client: PostgresClient
    public let logger: Logger

    public init(client: PostgresClient, logger: Logger = Logger(label: "kiln.store.desired-state")) {
        self.client = client
        self.logger = logger
    }

    /// Every desired-state row (repositories of origin git/api, not build ones), with usage counts.
    public func read() async throws -> DesiredStateRows {
        var out = DesiredStateRows()
        let repos = try await client.query("""
            SELECT name, arch, debug, url, type, production, origin FROM repositories
            WHERE origin IN ('git', 'api') ORDER BY name, arch, debug
            """, logger: logger)
        for try await (name, arch, debug, url, type, production, origin)
            in repos.decode((String, String, Bool, String, String, Bool, String).self) {
            out.repositories.append(.init(name: name, arch: arch, debug: debug, url: url, type: type,
                                          production: production, origin: origin))
        }
        var links: [Int64: [DesiredStateRows.RepositoryIdentity]] = [:]
        let linkRows = try await client.query("""
            SELECT pr.platform_id, r.name, r.arch, r.debug FROM platform_repositories pr
            JOIN repositories r ON r.id = pr.repository_id
            """, logger: logger)
        for try await (pid, name, arch, debug) in linkRows.decode((Int64, String, String, Bool).self) {
            links[pid, default: []].append(.init(name: name, arch: arch, debug: debug))
        }
        let platforms = try await client.query("""
            SELECT p.id, p.name, p.type, p.distr_type, p.distr_version, p.test_dist_name,
                   p.arch_list::text, p.data::text, p.origin,
                   (SELECT count(*) FROM build_tasks t WHERE t.platform_id = p.id),
                   (SELECT count(*) FROM releases r WHERE r.origin = 'api'
                      AND (r.platform_id = p.id OR r.reference_platform_id = p.id))
            FROM platforms p ORDER BY p.name
            """, logger: logger)
        var platformNames: [Int64: String] = [:]
        for try await (id, name, type, dt, dv, tdn, archList, data, origin, tasks, releases)
            in platforms.decode((Int64, String, String, String, String, String, String, String, String, Int64, Int64).self) {
            platformNames[id] = name
            out.platforms.append(.init(name: name, type: type, distrType: dt, distrVersion: dv, testDistName: tdn,
                                       archListJSON: archList, dataJSON: data, origin: origin,
                                       buildTaskCount: Int(tasks), apiReleaseCount: Int(releases),
                                       repositories: links[id] ?? []))
        }
        var distPlatforms: [Int64: [String]] = [:]
        let dp = try await client.query("SELECT distribution_id, platform_id FROM distribution_platforms", logger: logger)
        for try await (did, pid) in dp.decode((Int64, Int64).self) {
            if let name = platformNames[pid] { distPlatforms[did, default: []].append(name) }
        }
        let dists = try await client.query("SELECT id, name, origin FROM distributions ORDER BY name", logger: logger)
        for try await (id, name, origin) in dists.decode((Int64, String, String).self) {
            out.distributions.append(.init(name: name, origin: origin, platforms: (distPlatforms[id] ?? []).sorted()))
        }
        let keys = try await client.query("""
            SELECT k.name, k.description, k.keyid, k.fingerprint, k.public_url, k.origin,
                   (SELECT count(*) FROM sign_tasks s WHERE s.sign_key_id = k.id)
            FROM sign_keys k ORDER BY k.name
            """, logger: logger)
        for try await (name, desc, keyid, fp, url, origin, tasks)
            in keys.decode((String, String, String, String, String, String, Int64).self) {
            out.signKeys.append(.init(name: name, description: desc, keyid: keyid, fingerprint: fp, publicURL: url,
                                      origin: origin, signTaskCount: Int(tasks)))
        }
        let releases = try await client.query("""
            SELECT r.name, p.name, rp.name, r.plan::text, r.status, r.origin FROM releases r
            JOIN platforms p ON p.id = r.platform_id
            LEFT JOIN platforms rp ON rp.id = r.reference_platform_id
            WHERE r.name IS NOT NULL ORDER BY r.name
            """, logger: logger)
        for try await (name, platform, ref, plan, status, origin)
            in releases.decode((String, String, String?, String, Int16, String).self) {
            out.releases.append(.init(name: name, platform: platform, referencePlatform: ref, planJSON: plan,
                                      status: Int(status), origin: origin))
        }
        let buildRepos = try await client.query("SELECT name, build_id FROM build_repositories", logger: logger)
        for try await (name, build) in buildRepos.decode((String, Int64).self) {
            out.buildRepositories.append(.init(name: name, buildID: Int(build)))
        }
        return out
    }

    /// Runs every write in order in ONE transaction: all of them or none.
    public func apply(_ writes: [DesiredStateWrite], commitSHA: String) async throws {
        let logger = self.logger
        try await client.withTransaction(logger: logger) { conn in
            for write in writes {
                try await Self.execute(write, commitSHA: commitSHA, on: conn, logger: logger)
            }
        }
    }

    static func execute(_ write: DesiredStateWrite, commitSHA sha: String, on conn: PostgresConnection,
                        logger: Logger) async throws {
        switch write {
        case let .upsertSignKey(name, description, keyid, fingerprint, publicURL):
            try await conn.query("""
                INSERT INTO sign_keys (name, description, keyid, fingerprint, public_url, origin, commit_sha)
                VALUES (\(name), \(description), \(keyid), \(fingerprint), \(publicURL), 'git', \(sha))
                ON CONFLICT (name) DO UPDATE SET description = EXCLUDED.description, keyid = EXCLUDED.keyid,
                  fingerprint = EXCLUDED.fingerprint, public_url = EXCLUDED.public_url, origin = 'git',
                  commit_sha = EXCLUDED.commit_sha, updated_at = now()
                """, logger: logger)
        case let .upsertRepository(name, arch, debug, url, type, production):
            try await conn.query("""
                INSERT INTO repositories (name, arch, debug, url, type, production, origin, commit_sha)
                VALUES (\(name), \(arch), \(debug), \(url), \(type), \(production), 'git', \(sha))
                ON CONFLICT (name, arch, debug) DO UPDATE SET url = EXCLUDED.url, type = EXCLUDED.type,
                  production = EXCLUDED.production, origin = 'git', commit_sha = EXCLUDED.commit_sha, updated_at = now()
                """, logger: logger)
        case let .upsertPlatform(name, type, dt, dv, tdn, archList, data, repositories):
            let rows = try await conn.query("""
                INSERT INTO platforms (name, type, distr_type, distr_version, test_dist_name, arch_list, data,
                                       origin, commit_sha)
                VALUES (\(name), \(type), \(dt), \(dv), \(tdn), \(archList)::jsonb, \(data)::jsonb, 'git', \(sha))
                ON CONFLICT (name) DO UPDATE SET type = EXCLUDED.type, distr_type = EXCLUDED.distr_type,
                  distr_version = EXCLUDED.distr_version, test_dist_name = EXCLUDED.test_dist_name,
                  arch_list = EXCLUDED.arch_list, data = EXCLUDED.data, origin = 'git',
                  commit_sha = EXCLUDED.commit_sha, updated_at = now()
                RETURNING id
                """, logger: logger)
            var platformID: Int64 = 0
            for try await id in rows.decode(Int64.self) { platformID = id }
            let names = repositories.map(\.name), arches = repositories.map(\.arch), debugs = repositories.map(\.debug)
            try await conn.query("""
                DELETE FROM platform_repositories pr WHERE pr.platform_id = \(platformID) AND NOT EXISTS (
                  SELECT 1 FROM repositories r
                  JOIN unnest(\(names)::text[], \(arches)::text[], \(debugs)::bool[]) AS k(name, arch, debug)
                    ON r.name = k.name AND r.arch = k.arch AND r.debug = k.debug
                  WHERE r.id = pr.repository_id)
                """, logger: logger)
            try await conn.query("""
                INSERT INTO platform_repositories (platform_id, repository_id)
                SELECT \(platformID), r.id FROM repositories r
                JOIN unnest(\(names)::text[], \(arches)::text[], \(debugs)::bool[]) AS k(name, arch, debug)
                  ON r.name = k.name AND r.arch = k.arch AND r.debug = k.debug
                ON CONFLICT DO NOTHING
                """, logger: logger)
        case let .upsertDistribution(name, platforms):
            let rows = try await conn.query("""
                INSERT INTO distributions (name, origin, commit_sha) VALUES (\(name), 'git', \(sha))
                ON CONFLICT (name) DO UPDATE SET origin = 'git', commit_sha = EXCLUDED.commit_sha, updated_at = now()
                RETURNING id
                """, logger: logger)
            var did: Int64 = 0
            for try await id in rows.decode(Int64.self) { did = id }
            try await conn.query("""
                DELETE FROM distribution_platforms dp WHERE dp.distribution_id = \(did)
                AND dp.platform_id NOT IN (SELECT id FROM platforms WHERE name = ANY(\(platforms)::text[]))
                """, logger: logger)
            try await conn.query("""
                INSERT INTO distribution_platforms (distribution_id, platform_id)
                SELECT \(did), id FROM platforms WHERE name = ANY(\(platforms)::text[]) ON CONFLICT DO NOTHING
                """, logger: logger)
        case let .upsertRelease(name, platform, ref, plan, builds):
            let rows = try await conn.query("""
                INSERT INTO releases (name, status, platform_id, reference_platform_id, plan, origin, commit_sha)
                VALUES (\(name), 1, (SELECT id FROM platforms WHERE name = \(platform)),
                        (SELECT id FROM platforms WHERE name = \(ref)), \(plan)::jsonb, 'git', \(sha))
                ON CONFLICT (name) DO UPDATE SET platform_id = EXCLUDED.platform_id,
                  reference_platform_id = EXCLUDED.reference_platform_id, plan = EXCLUDED.plan, origin = 'git',
                  commit_sha = EXCLUDED.commit_sha, updated_at = now()
                RETURNING id
                """, logger: logger)
            var rid: Int64 = 0
            for try await id in rows.decode(Int64.self) { rid = id }
            let buildIDs = builds.map(Int64.init)
            try await conn.query("""
                DELETE FROM release_builds WHERE release_id = \(rid) AND NOT (build_id = ANY(\(buildIDs)::bigint[]))
                """, logger: logger)
            try await conn.query("""
                INSERT INTO release_builds (release_id, build_id)
                SELECT \(rid), id FROM builds WHERE id = ANY(\(buildIDs)::bigint[]) ON CONFLICT DO NOTHING
                """, logger: logger)
        case let .deleteSignKey(name):
            try await conn.query("DELETE FROM sign_keys WHERE name = \(name) AND origin = 'git'", logger: logger)
        case let .deleteRepository(name, arch, debug):
            try await conn.query("""
                DELETE FROM repositories WHERE name = \(name) AND arch = \(arch) AND debug = \(debug) AND origin = 'git'
                """, logger: logger)
        case let .deletePlatform(name):
            try await conn.query("DELETE FROM platforms WHERE name = \(name) AND origin = 'git'", logger: logger)
        case let .deleteDistribution(name):
            try await conn.query("DELETE FROM distributions WHERE name = \(name) AND origin = 'git'", logger: logger)
        case let .deleteRelease(name):
            try await conn.query("""
                DELETE FROM releases WHERE name = \(name) AND origin = 'git' AND status = 1
                """, logger: logger)
        }
    }
}
