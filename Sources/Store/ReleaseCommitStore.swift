import Foundation
import Logging
import PostgresNIO
import Statuses

/// The database side of committing releases (migration 0043): what the builds of a release hold
/// (`facts`), the release rows, and the commit journal (`release_units`). A commit writes its
/// journal and status 2 in one transaction (`beginCommit`) before the artifact store is touched,
/// so a process killed half-way leaves a release the next reconcile finishes from the journal.
///
///     let units = try await store.beginCommit(release: "r", units: planned, placementJSON: json)
///     // ... add the units to the store repositories ...
///     try await store.finishCommit(release: "r", commitSHA: sha, author: "A <a@x>")
package struct ReleaseCommitStore: Sendable {
    package let client: PostgresClient
    let logger: Logger

    package init(client: PostgresClient, logger: Logger = Logger(label: "kiln.store.releases")) {
        self.client = client
        self.logger = logger
    }

    /// The RPMs, test outcomes and existence of `buildIDs`, and the sign keys of `platforms`.
    package func facts(buildIDs: [Int64], platforms: [String]) async throws -> ReleaseBuildFacts {
        var facts = ReleaseBuildFacts()
        guard !buildIDs.isEmpty || !platforms.isEmpty else { return facts }
        let rows = try await client.query(
            """
            SELECT a.id, t.build_id, a.name, coalesce(a.rpm_name, ''), coalesce(nullif(a.rpm_epoch, ''), '0'),
                   coalesce(a.rpm_version, ''), coalesce(a.rpm_release, ''), coalesce(a.arch, ''), a.href,
                   coalesce(a.sha256, ''), a.signed, k.name, p.name
            FROM artifacts a
            JOIN build_tasks t ON t.id = a.build_task_id
            JOIN platforms p ON p.id = t.platform_id
            LEFT JOIN sign_keys k ON k.id = a.sign_key_id
            WHERE t.build_id = ANY(\(buildIDs)::bigint[]) AND a.type = 'rpm'
            ORDER BY a.id
            """, logger: logger)
        for try await (id, build, file, name, epoch, version, release, arch, href, sha, signed, key, platform)
            in rows.decode(
                (Int64, Int64, String, String, String, String, String, String, String, String, Bool, String?, String)
                    .self)
        {
            facts.candidates.append(
                ReleaseCandidate(
                    artifactID: id, buildID: build, fileName: file, name: name, epoch: epoch, version: version,
                    release: release, arch: arch, href: href, sha256: sha.lowercased(), signed: signed,
                    signKey: signed ? key : nil, platform: platform))
        }
        let tests = try await client.query(
            """
            SELECT b.id, (\(unescaped: TestOutcome.passed.condition)), (\(unescaped: TestOutcome.failed.condition)),
                   (\(unescaped: TestOutcome.pending.condition))
            FROM builds b WHERE b.id = ANY(\(buildIDs)::bigint[])
            """, logger: logger)
        for try await (id, passed, failed, pending) in tests.decode((Int64, Bool, Bool, Bool).self) {
            facts.existing.insert(id)
            facts.tests[id] = failed ? .failed : pending ? .pending : passed ? .passed : TestOutcomeName.none
        }
        let keys = try await client.query(
            """
            SELECT p.name, k.name FROM sign_key_platforms kp
            JOIN platforms p ON p.id = kp.platform_id JOIN sign_keys k ON k.id = kp.sign_key_id
            WHERE p.name = ANY(\(platforms)::text[])
            """, logger: logger)
        for try await (platform, key) in keys.decode((String, String).self) {
            facts.platformKeys[platform, default: []].insert(key)
        }
        return facts
    }

    /// The rows of the releases named `names` (absent ones are missing from the answer).
    package func rows(names: [String]) async throws -> [String: ReleaseRow] {
        var out: [String: ReleaseRow] = [:]
        let rows = try await client.query(
            "SELECT id, name, status, operation FROM releases WHERE name = ANY(\(names)::text[])", logger: logger)
        for try await (id, name, status, operation) in rows.decode((Int64, String, Int16, String?).self) {
            guard let status = ReleaseStatus(rawValue: status) else {
                throw DesiredStateStoreError.unexpectedValue(column: "releases.status", value: String(status))
            }
            out[name] = ReleaseRow(
                id: id, name: name, status: status, operation: operation.flatMap(ReleaseOperationName.init))
        }
        return out
    }

    /// The journal of release `name`'s last commit, by store repository then href.
    package func journal(release name: String) async throws -> [ReleaseUnit] {
        try await client.withConnection { try await Self.journal(release: name, on: $0, logger: logger) }
    }

    static func journal(
        release name: String, on conn: PostgresConnection, logger: Logger
    ) async throws
        -> [ReleaseUnit]
    {
        var units: [ReleaseUnit] = []
        let rows = try await conn.query(
            """
            SELECT u.store_repository, u.content_href, u.file_name, u.nevra, u.sha256, u.build_id, u.artifact_id,
                   u.already_present
            FROM release_units u JOIN releases r ON r.id = u.release_id
            WHERE r.name = \(name) ORDER BY u.store_repository, u.content_href
            """, logger: logger)
        for try await (repo, href, file, nevra, sha, build, artifact, present)
            in rows.decode((String, String, String, String, String, Int64?, Int64?, Bool).self)
        {
            units.append(
                ReleaseUnit(
                    storeRepository: repo, contentHref: href, fileName: file, nevra: nevra, sha256: sha,
                    buildID: build, artifactID: artifact, alreadyPresent: present))
        }
        return units
    }

    /// Starts (or resumes) a commit of release `name`: when it is not already committing, its
    /// journal becomes `units` and its status 2 (`operation` commit), with `placementJSON` as
    /// its placement, in one transaction; a commit already in progress keeps its journal.
    /// Returns the journal to carry out.
    package func beginCommit(
        release name: String, units: [ReleaseUnit], placementJSON: String
    ) async throws
        -> [ReleaseUnit]
    {
        try await client.withTransaction(logger: logger) { conn in
            let row = try await Self.lockedRow(name, on: conn, logger: logger)
            if row.status == .inProgress && row.operation == .commit {
                return try await Self.journal(release: name, on: conn, logger: logger)
            }
            try await conn.query("DELETE FROM release_units WHERE release_id = \(row.id)", logger: logger)
            try await conn.query(
                """
                INSERT INTO release_units (release_id, store_repository, content_href, file_name, nevra, sha256,
                                           build_id, artifact_id, already_present)
                SELECT \(row.id), u.repo, u.href, u.file, u.nevra, u.sha, nullif(u.build, 0), nullif(u.artifact, 0),
                       u.present
                FROM unnest(\(units.map(\.storeRepository))::text[], \(units.map(\.contentHref))::text[],
                            \(units.map(\.fileName))::text[], \(units.map(\.nevra))::text[],
                            \(units.map(\.sha256))::text[], \(units.map { $0.buildID ?? 0 })::bigint[],
                            \(units.map { $0.artifactID ?? 0 })::bigint[], \(units.map(\.alreadyPresent))::bool[])
                  AS u(repo, href, file, nevra, sha, build, artifact, present)
                ON CONFLICT DO NOTHING
                """, logger: logger)
            try await conn.query(
                """
                UPDATE releases SET status = \(ReleaseStatus.inProgress.rawValue), operation = 'commit',
                  placement = \(placementJSON)::jsonb, placement_at = now(), error = NULL, updated_at = now()
                WHERE id = \(row.id)
                """, logger: logger)
            return units
        }
    }

    /// Marks release `name` committed by `commitSHA` (`author`), and its builds released.
    package func finishCommit(release name: String, commitSHA: String, author: String?) async throws {
        try await client.withTransaction(logger: logger) { conn in
            let row = try await Self.lockedRow(name, on: conn, logger: logger)
            try await conn.query(
                """
                UPDATE releases SET status = \(ReleaseStatus.completed.rawValue), operation = 'commit',
                  committed_sha = \(commitSHA), committed_author = \(author), committed_at = now(), error = NULL,
                  updated_at = now()
                WHERE id = \(row.id)
                """, logger: logger)
            try await conn.query(
                """
                UPDATE builds SET released = TRUE
                WHERE id IN (SELECT build_id FROM release_builds WHERE release_id = \(row.id)) AND NOT released
                """, logger: logger)
        }
    }

    /// Starts (or resumes) a revert of release `name`: status 2, `operation` revert. Returns the
    /// journal of the commit it undoes.
    package func beginRevert(release name: String) async throws -> [ReleaseUnit] {
        try await client.withTransaction(logger: logger) { conn in
            let row = try await Self.lockedRow(name, on: conn, logger: logger)
            try await conn.query(
                """
                UPDATE releases SET status = \(ReleaseStatus.inProgress.rawValue), operation = 'revert', error = NULL,
                  updated_at = now()
                WHERE id = \(row.id)
                """, logger: logger)
            return try await Self.journal(release: name, on: conn, logger: logger)
        }
    }

    /// Marks release `name` reverted by `commitSHA` (`author`); its builds are no longer released
    /// unless another completed release carries them.
    package func finishRevert(release name: String, commitSHA: String, author: String?) async throws {
        try await client.withTransaction(logger: logger) { conn in
            let row = try await Self.lockedRow(name, on: conn, logger: logger)
            try await conn.query(
                """
                UPDATE releases SET status = \(ReleaseStatus.reverted.rawValue), operation = 'revert',
                  reverted_sha = \(commitSHA), reverted_author = \(author), reverted_at = now(), error = NULL,
                  updated_at = now()
                WHERE id = \(row.id)
                """, logger: logger)
            try await conn.query(
                """
                UPDATE builds b SET released = FALSE
                WHERE b.id IN (SELECT build_id FROM release_builds WHERE release_id = \(row.id)) AND b.released
                  AND NOT EXISTS (
                    SELECT 1 FROM release_builds x JOIN releases r ON r.id = x.release_id
                    WHERE x.build_id = b.id AND r.id <> \(row.id) AND r.status = \(ReleaseStatus.completed.rawValue))
                """, logger: logger)
        }
    }

    /// Records why the operation in progress on release `name` stopped (it stays in progress and
    /// the next reconcile resumes it).
    package func recordError(release name: String, error: String) async throws {
        try await client.query(
            "UPDATE releases SET error = \(error), updated_at = now() WHERE name = \(name)", logger: logger)
    }

    /// Stores the latest placement plan of release `name` (what `GET /api/v1/releases/{id}/`
    /// shows) when it differs from the stored one.
    package func savePlacement(release name: String, placementJSON: String) async throws {
        try await client.query(
            """
            UPDATE releases SET placement = \(placementJSON)::jsonb, placement_at = now()
            WHERE name = \(name) AND placement IS DISTINCT FROM \(placementJSON)::jsonb
            """, logger: logger)
    }

    static func lockedRow(_ name: String, on conn: PostgresConnection, logger: Logger) async throws -> ReleaseRow {
        let rows = try await conn.query(
            "SELECT id, status, operation FROM releases WHERE name = \(name) FOR UPDATE", logger: logger)
        for try await (id, status, operation) in rows.decode((Int64, Int16, String?).self) {
            guard let status = ReleaseStatus(rawValue: status) else {
                throw DesiredStateStoreError.unexpectedValue(column: "releases.status", value: String(status))
            }
            return ReleaseRow(
                id: id, name: name, status: status, operation: operation.flatMap(ReleaseOperationName.init))
        }
        throw ReleaseStoreError.releaseNotFound(name)
    }
}
