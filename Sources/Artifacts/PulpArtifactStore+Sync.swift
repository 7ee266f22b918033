import Foundation
import NIOHTTP1

extension PulpArtifactStore {
    /// `PATCH` the remote's `policy` when it differs, `POST {repo}sync/` with the remote
    /// (`mirror_content_only`: content gone upstream goes here too), waits for the task, and reads
    /// the new version's `content_summary` (no new version: nothing added or removed).
    /// Pulp syncs remotes.
    package var syncsFromUpstream: Bool { true }

    package func syncRepository(named repository: String, policy: String) async throws -> StoreSyncResult {
        let (_, repo) = try await requireRepo(repository)
        guard let remoteHref = repo.remote else {
            throw ArtifactStoreError.invalidName("\(repository) has no remote to sync from")
        }
        let remote = try await client.json(PulpRemotePolicy.self, .GET, remoteHref)
        if remote.policy != policy {
            try await client.write(.PATCH, remoteHref, body: PulpRemotePolicy(policy: policy))
        }
        let created = try await client.write(
            .POST, repo.pulpHref + "sync/", body: SyncBody(remote: remoteHref, syncPolicy: "mirror_content_only"))
        let versionPrefix = repo.pulpHref + "versions/"
        guard let version = created.first(where: { $0.hasPrefix(versionPrefix) }) else {
            let latest = try await client.json(PulpRepositoryObject.self, .GET, repo.pulpHref)
            var present = 0
            if let href = latest.latestVersionHref { present = try await summary(href).present }
            return StoreSyncResult(added: 0, removed: 0, present: present, newVersion: false)
        }
        let counts = try await summary(version)
        return StoreSyncResult(added: counts.added, removed: counts.removed, present: counts.present, newVersion: true)
    }

    private func summary(_ versionHref: String) async throws -> (added: Int, removed: Int, present: Int) {
        let v = try await client.json(PulpRepositoryVersion.self, .GET, versionHref)
        func total(_ part: [String: PulpRepositoryVersion.Count]?) -> Int {
            (part ?? [:]).values.reduce(0) { $0 + $1.count }
        }
        return (total(v.contentSummary.added), total(v.contentSummary.removed), total(v.contentSummary.present))
    }
}

/// A remote's download policy (read and patched).
struct PulpRemotePolicy: Codable, Sendable {
    var policy: String
}

/// `POST {repository}sync/`.
struct SyncBody: Encodable {
    var remote: String
    var syncPolicy: String
    enum CodingKeys: String, CodingKey {
        case remote
        case syncPolicy = "sync_policy"
    }
}

/// A repository version's `content_summary`: counts per content type.
struct PulpRepositoryVersion: Decodable, Sendable {
    struct Count: Decodable, Sendable {
        var count: Int
    }
    struct Summary: Decodable, Sendable {
        var added: [String: Count]?
        var removed: [String: Count]?
        var present: [String: Count]?
    }
    var contentSummary: Summary
    enum CodingKeys: String, CodingKey {
        case contentSummary = "content_summary"
    }
}
