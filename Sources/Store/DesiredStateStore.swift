import Foundation
import Logging
import PostgresNIO
import Spec
import Statuses

/// Reads and writes the desired-state tables (repositories, platforms, distributions,
/// sign keys, git releases) in bulk: a handful of queries, whatever the row count. Rows are
/// read as, and written from, the Spec records of their kind.
///
///     let rows = try await DesiredStateStore(client: client).read()
///     try await DesiredStateStore(client: client).apply([.upsertPlatform(platform)], commitSHA: sha)
package struct DesiredStateStore: Sendable {
    package let client: PostgresClient
    package let logger: Logger

    package init(client: PostgresClient, logger: Logger = Logger(label: "kiln.store.desired-state")) {
        self.client = client
        self.logger = logger
    }

    /// Every desired-state row (repositories of origin git/api, not build ones), with usage counts.
    package func read() async throws -> DesiredStateRows {
        var out = DesiredStateRows()
        let desiredOrigins = Origin.sqlList([.git, .api])
        let repos = try await client.query(
            """
            SELECT name, arch, debug, url, type, production, origin,
                   sync_interval_seconds, sync_policy, sync_read_only FROM repositories
            WHERE origin IN \(unescaped: desiredOrigins) ORDER BY name, arch, debug
            """, logger: logger)
        for try await (name, arch, debug, url, type, production, origin, interval, policy, readOnly)
            in repos.decode((String, String, Bool, String, String, Bool, String, Int32?, String?, Bool?).self)
        {
            out.repositories.append(
                .init(
                    record: Repository(
                        name: name, arch: arch, url: url, type: type, debug: debug,
                        production: production, sync: RepositorySync(stored: interval, policy, readOnly)),
                    origin: try Self.origin(origin, "repositories")))
        }
        var links: [Int64: [Repository]] = [:]
        let linkRows = try await client.query(
            """
            SELECT pr.platform_id, r.name, r.arch, r.debug, r.url, r.type, r.production,
                   r.sync_interval_seconds, r.sync_policy, r.sync_read_only FROM platform_repositories pr
            JOIN repositories r ON r.id = pr.repository_id
            """, logger: logger)
        for try await (pid, name, arch, debug, url, type, production, interval, policy, readOnly)
            in linkRows.decode((Int64, String, String, Bool, String, String, Bool, Int32?, String?, Bool?).self)
        {
            links[pid, default: []].append(
                Repository(
                    name: name, arch: arch, url: url, type: type, debug: debug,
                    production: production, sync: RepositorySync(stored: interval, policy, readOnly)))
        }
        let platforms = try await client.query(
            """
            SELECT p.id, p.name, p.type, p.distr_type, p.distr_version, p.test_dist_name,
                   p.arch_list::text, p.data::text, p.origin, p.skip_tests, p.release_requires_tests,
                   (SELECT count(*) FROM build_tasks t WHERE t.platform_id = p.id),
                   (SELECT count(*) FROM releases r WHERE r.origin = \(unescaped: Origin.api.sql)
                      AND (r.platform_id = p.id OR r.reference_platform_id = p.id))
            FROM platforms p ORDER BY p.name
            """, logger: logger)
        var platformNames: [Int64: String] = [:]
        let json = JSONDecoder()
        for try await (id, name, type, dt, dv, tdn, archList, data, origin, skip, requires, tasks, releases)
            in platforms.decode(
                (Int64, String, String, String, String, String, String, String, String, Bool, Bool, Int64, Int64)
                    .self)
        {
            platformNames[id] = name
            let platform = Platform(
                name: name, type: type, distrType: dt, distrVersion: dv, testDistName: tdn,
                archList: (try? json.decode([String].self, from: Data(archList.utf8))) ?? [],
                data: (try? json.decode([String: JSONValue].self, from: Data(data.utf8))) ?? [:],
                repos: links[id] ?? [], skipTests: skip, releaseRequiresTests: requires)
            out.platforms.append(
                .init(
                    platform: platform, origin: try Self.origin(origin, "platforms"),
                    buildTaskCount: Int(tasks), apiReleaseCount: Int(releases)))
        }
        var distPlatforms: [Int64: [String]] = [:]
        let dp = try await client.query(
            "SELECT distribution_id, platform_id FROM distribution_platforms", logger: logger)
        for try await (did, pid) in dp.decode((Int64, Int64).self) {
            if let name = platformNames[pid] { distPlatforms[did, default: []].append(name) }
        }
        var distBuilds: [Int64: [Int]] = [:]
        let db = try await client.query(
            "SELECT distribution_id, build_id FROM distribution_builds ORDER BY build_id", logger: logger)
        for try await (did, build) in db.decode((Int64, Int64).self) {
            distBuilds[did, default: []].append(Int(build))
        }
        let dists = try await client.query("SELECT id, name, origin FROM distributions ORDER BY name", logger: logger)
        for try await (id, name, origin) in dists.decode((Int64, String, String).self) {
            out.distributions.append(
                .init(
                    record: Distribution(
                        name: name, platforms: (distPlatforms[id] ?? []).sorted(), builds: distBuilds[id] ?? []),
                    origin: try Self.origin(origin, "distributions")))
        }
        var keyPlatforms: [String: [String]] = [:]
        let keyLinks = try await client.query(
            """
            SELECT k.name, p.name FROM sign_key_platforms kp
            JOIN sign_keys k ON k.id = kp.sign_key_id JOIN platforms p ON p.id = kp.platform_id
            """, logger: logger)
        for try await (key, platform) in keyLinks.decode((String, String).self) {
            keyPlatforms[key, default: []].append(platform)
        }
        let keys = try await client.query(
            """
            SELECT k.name, k.description, k.keyid, k.fingerprint, k.public_url, k.origin,
                   (SELECT count(*) FROM sign_tasks s WHERE s.sign_key_id = k.id),
                   k.public_key, k.active, k.sign_files
            FROM sign_keys k ORDER BY k.name
            """, logger: logger)
        for try await (name, desc, keyid, fp, url, origin, tasks, publicKey, active, signFiles)
            in keys.decode((String, String, String, String, String, String, Int64, String, Bool, Bool).self)
        {
            out.signKeys.append(
                .init(
                    signKey: SignKey(
                        name: name, description: desc, keyid: keyid, fingerprint: fp, publicURL: url,
                        publicKey: publicKey, platforms: (keyPlatforms[name] ?? []).sorted(), active: active,
                        signFiles: signFiles),
                    origin: try Self.origin(origin, "sign_keys"), signTaskCount: Int(tasks)))
        }
        let releases = try await client.query(
            """
            SELECT r.name, p.name, rp.name, r.plan::text, r.status, r.origin, r.desired_state FROM releases r
            JOIN platforms p ON p.id = r.platform_id
            LEFT JOIN platforms rp ON rp.id = r.reference_platform_id
            WHERE r.name IS NOT NULL ORDER BY r.name
            """, logger: logger)
        for try await (name, platform, ref, planText, status, origin, desiredState)
            in releases.decode((String, String, String?, String, Int16, String, String).self)
        {
            let plan = (try? json.decode(StoredReleasePlan.self, from: Data(planText.utf8)))
            guard let state = ReleaseState(rawValue: desiredState) else {
                throw DesiredStateStoreError.unexpectedValue(column: "releases.desired_state", value: desiredState)
            }
            let release = ReleasePlan(
                name: name, platform: platform, referencePlatform: ref, builds: plan?.builds ?? [],
                packages: (plan?.packages ?? []).map {
                    ReleasePackage(name: $0.name, arch: $0.arch, repositories: $0.repositories, skip: $0.skip)
                }, state: state)
            guard let releaseStatus = ReleaseStatus(rawValue: status) else {
                throw DesiredStateStoreError.unexpectedValue(column: "releases.status", value: String(status))
            }
            out.releases.append(
                .init(
                    release: release, origin: try Self.origin(origin, "releases"),
                    status: releaseStatus))
        }
        let buildRepos = try await client.query("SELECT name, build_id FROM build_repositories", logger: logger)
        for try await (name, build) in buildRepos.decode((String, Int64).self) {
            out.buildRepositories.append(.init(name: name, buildID: Int(build)))
        }
        out.flavors = try await readFlavors()
        out.teams = try await readTeams()
        return out
    }

    static func origin(_ text: String, _ table: String) throws -> Origin {
        guard let origin = Origin(rawValue: text) else {
            throw DesiredStateStoreError.unexpectedValue(column: table + ".origin", value: text)
        }
        return origin
    }

    /// Runs every write in order in ONE transaction: all of them or none.
    package func apply(_ writes: [DesiredStateWrite], commitSHA: String) async throws {
        let logger = self.logger
        try await client.withTransaction(logger: logger) { conn in
            for write in writes {
                try await Self.execute(write, commitSHA: commitSHA, on: conn, logger: logger)
            }
            // Every write in `audit_events`, with the commit: one statement.
            let audited = writes.map(\.audited)
            let (kinds, ids, actions) = (audited.map(\.kind), audited.map(\.id), audited.map(\.action))
            try await conn.query(
                """
                INSERT INTO audit_events (object_kind, object_id, action, commit_sha)
                SELECT k, i, a, \(commitSHA) FROM unnest(\(kinds)::text[], \(ids)::text[], \(actions)::text[]) AS w(k, i, a)
                """, logger: logger)
            // Sign keys are written before platforms (apply order): their platform links last.
            for case .upsertSignKey(let k) in writes {
                try await Self.linkPlatforms(of: k, on: conn, logger: logger)
            }
        }
    }

    /// Makes `sign_key_platforms` of key `k` exactly the platforms it names.
    static func linkPlatforms(of k: SignKey, on conn: PostgresConnection, logger: Logger) async throws {
        let platforms = k.platforms
        try await conn.query(
            """
            DELETE FROM sign_key_platforms kp USING sign_keys k
            WHERE kp.sign_key_id = k.id AND k.name = \(k.name)
            AND kp.platform_id NOT IN (SELECT id FROM platforms WHERE name = ANY(\(platforms)::text[]))
            """, logger: logger)
        try await conn.query(
            """
            INSERT INTO sign_key_platforms (sign_key_id, platform_id)
            SELECT k.id, p.id FROM sign_keys k, platforms p
            WHERE k.name = \(k.name) AND p.name = ANY(\(platforms)::text[]) ON CONFLICT DO NOTHING
            """, logger: logger)
    }

    /// Compact JSON with sorted keys, for a JSONB column.
    static func jsonText<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func execute(
        _ write: DesiredStateWrite, commitSHA sha: String, on conn: PostgresConnection,
        logger: Logger
    ) async throws {
        let git = Origin.git.rawValue
        switch write {
        case .upsertSignKey(let k):
            // `archived` is when the key was made inactive (kept while it stays inactive).
            try await conn.query(
                """
                INSERT INTO sign_keys (name, description, keyid, fingerprint, public_url, public_key, active,
                                       sign_files, archived, origin, commit_sha)
                VALUES (\(k.name), \(k.description), \(k.keyid), \(k.fingerprint), \(k.publicURL), \(k.publicKey),
                        \(k.active), \(k.signFiles), CASE WHEN \(k.active) THEN NULL ELSE now() END, \(git), \(sha))
                ON CONFLICT (name) DO UPDATE SET description = EXCLUDED.description, keyid = EXCLUDED.keyid,
                  fingerprint = EXCLUDED.fingerprint, public_url = EXCLUDED.public_url,
                  public_key = EXCLUDED.public_key, active = EXCLUDED.active, sign_files = EXCLUDED.sign_files,
                  archived = CASE WHEN EXCLUDED.active THEN NULL ELSE COALESCE(sign_keys.archived, now()) END,
                  origin = EXCLUDED.origin, commit_sha = EXCLUDED.commit_sha, updated_at = now()
                """, logger: logger)
        case .upsertRepository(let r):
            try await conn.query(
                """
                INSERT INTO repositories (name, arch, debug, url, type, production, origin, commit_sha,
                                          sync_interval_seconds, sync_policy, sync_read_only)
                VALUES (\(r.name), \(r.arch), \(r.debug), \(r.url), \(r.type), \(r.production), \(git), \(sha),
                        \(r.sync.map { Int32(clamping: $0.intervalSeconds) }), \(r.sync?.policy.rawValue),
                        \(r.sync?.readOnly))
                ON CONFLICT (name, arch, debug) DO UPDATE SET url = EXCLUDED.url, type = EXCLUDED.type,
                  production = EXCLUDED.production, origin = EXCLUDED.origin, commit_sha = EXCLUDED.commit_sha,
                  sync_interval_seconds = EXCLUDED.sync_interval_seconds, sync_policy = EXCLUDED.sync_policy,
                  sync_read_only = EXCLUDED.sync_read_only, updated_at = now()
                """, logger: logger)
        case .upsertPlatform(let p):
            let archList = try jsonText(p.archList)
            let data = try jsonText(p.data)
            let rows = try await conn.query(
                """
                INSERT INTO platforms (name, type, distr_type, distr_version, test_dist_name, arch_list, data,
                                       origin, commit_sha, skip_tests, release_requires_tests)
                VALUES (\(p.name), \(p.type), \(p.distrType), \(p.distrVersion), \(p.testDistName), \(archList)::jsonb,
                        \(data)::jsonb, \(git), \(sha), \(p.skipTests), \(p.releaseRequiresTests))
                ON CONFLICT (name) DO UPDATE SET type = EXCLUDED.type, distr_type = EXCLUDED.distr_type,
                  distr_version = EXCLUDED.distr_version, test_dist_name = EXCLUDED.test_dist_name,
                  skip_tests = EXCLUDED.skip_tests, release_requires_tests = EXCLUDED.release_requires_tests,
                  arch_list = EXCLUDED.arch_list, data = EXCLUDED.data, origin = EXCLUDED.origin,
                  commit_sha = EXCLUDED.commit_sha, updated_at = now()
                RETURNING id
                """, logger: logger)
            var platformID: Int64 = 0
            for try await id in rows.decode(Int64.self) { platformID = id }
            let keys = Set(p.repos.map(\.key)).sorted()
            let names = keys.map(\.name)
            let arches = keys.map(\.arch)
            let debugs = keys.map(\.debug)
            try await conn.query(
                """
                DELETE FROM platform_repositories pr WHERE pr.platform_id = \(platformID) AND NOT EXISTS (
                  SELECT 1 FROM repositories r
                  JOIN unnest(\(names)::text[], \(arches)::text[], \(debugs)::bool[]) AS k(name, arch, debug)
                    ON r.name = k.name AND r.arch = k.arch AND r.debug = k.debug
                  WHERE r.id = pr.repository_id)
                """, logger: logger)
            try await conn.query(
                """
                INSERT INTO platform_repositories (platform_id, repository_id)
                SELECT \(platformID), r.id FROM repositories r
                JOIN unnest(\(names)::text[], \(arches)::text[], \(debugs)::bool[]) AS k(name, arch, debug)
                  ON r.name = k.name AND r.arch = k.arch AND r.debug = k.debug
                ON CONFLICT DO NOTHING
                """, logger: logger)
        case .upsertDistribution(let d):
            let rows = try await conn.query(
                """
                INSERT INTO distributions (name, origin, commit_sha) VALUES (\(d.name), \(git), \(sha))
                ON CONFLICT (name) DO UPDATE SET origin = EXCLUDED.origin, commit_sha = EXCLUDED.commit_sha,
                  updated_at = now()
                RETURNING id
                """, logger: logger)
            var did: Int64 = 0
            for try await id in rows.decode(Int64.self) { did = id }
            let platforms = d.platforms
            try await conn.query(
                """
                DELETE FROM distribution_platforms dp WHERE dp.distribution_id = \(did)
                AND dp.platform_id NOT IN (SELECT id FROM platforms WHERE name = ANY(\(platforms)::text[]))
                """, logger: logger)
            try await conn.query(
                """
                INSERT INTO distribution_platforms (distribution_id, platform_id)
                SELECT \(did), id FROM platforms WHERE name = ANY(\(platforms)::text[]) ON CONFLICT DO NOTHING
                """, logger: logger)
            try await linkBuilds(of: d, distribution: did, on: conn, logger: logger)
        case .upsertRelease(let r):
            try await upsertRelease(r, commitSHA: sha, on: conn, logger: logger)
        case .deleteSignKey(let name):
            try await conn.query("DELETE FROM sign_keys WHERE name = \(name) AND origin = \(git)", logger: logger)
        case .deleteRepository(let key):
            try await conn.query(
                """
                DELETE FROM repositories WHERE name = \(key.name) AND arch = \(key.arch) AND debug = \(key.debug)
                  AND origin = \(git)
                """, logger: logger)
        case .deletePlatform(let name):
            try await conn.query("DELETE FROM platforms WHERE name = \(name) AND origin = \(git)", logger: logger)
        case .deleteDistribution(let name):
            try await conn.query("DELETE FROM distributions WHERE name = \(name) AND origin = \(git)", logger: logger)
        case .upsertFlavor(let f):
            try await upsertFlavor(f, commitSHA: sha, on: conn, logger: logger)
        case .deleteFlavor(let name):
            try await conn.query(
                "DELETE FROM platform_flavors WHERE name = \(name) AND origin = \(git)", logger: logger)
        case .upsertTeam(let t):
            try await upsertTeam(t, commitSHA: sha, on: conn, logger: logger)
        case .deleteTeam(let name):
            try await conn.query("DELETE FROM teams WHERE name = \(name) AND origin = \(git)", logger: logger)
        case .deleteRelease(let name):
            let scheduled = ReleaseStatus.scheduled.rawValue
            try await conn.query(
                """
                DELETE FROM releases WHERE name = \(name) AND origin = \(git) AND status = \(scheduled)
                """, logger: logger)
        }
    }
}
