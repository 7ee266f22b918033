import Artifacts
import Foundation
import Logging
import Store

/// Carries out a release's placement: commit (add the placed packages to the production store
/// repositories, one new version per repository, which the store publishes once) or revert
/// (remove exactly what the commit added). Every step is idempotent and the journal is written
/// before the store is touched, so a process killed at any point leaves a release the next
/// reconcile finishes (`ReleaseOperation.resumeCommit` / `.resumeRevert`).
package struct ReleaseCommitter: Sendable {
    package let store: any ArtifactStore
    package let records: ReleaseCommitStore
    package let logger: Logger
    /// Called at named points of a commit (`journal-written`, `repository-done`, `before-finish`,
    /// `revert-started`): `KILN_FAULT_KILL_AT` makes `kiln` kill itself there (the SIGKILL tests).
    package var checkpoint: @Sendable (String) async -> Void = { _ in }

    package init(store: any ArtifactStore, records: ReleaseCommitStore, logger: Logger) {
        self.store = store
        self.records = records
        self.logger = logger
    }

    /// What one operation did.
    package struct Outcome: Sendable, Hashable {
        package var release: String
        package var operation: ReleaseOperation
        /// Store repositories given a new version.
        package var repositoriesChanged: [String]
        /// Units added (commit) or removed (revert).
        package var units: Int
    }

    /// Runs `placement`'s operation for commit `commitSHA` by `author`.
    package func run(_ placement: ReleasePlacement, commitSHA: String, author: String?) async throws -> Outcome {
        switch placement.operation {
        case .none:
            return Outcome(release: placement.release, operation: .none, repositoriesChanged: [], units: 0)
        case .commit, .resumeCommit:
            return try await commit(placement, commitSHA: commitSHA, author: author)
        case .revert, .resumeRevert:
            return try await revert(placement, commitSHA: commitSHA, author: author)
        }
    }

    func commit(_ placement: ReleasePlacement, commitSHA: String, author: String?) async throws -> Outcome {
        let planned = placement.repositories.flatMap { repo in
            repo.packages.map {
                ReleaseUnit(
                    storeRepository: repo.storeRepository, contentHref: $0.href, fileName: $0.fileName,
                    nevra: $0.nevra, sha256: $0.sha256, buildID: $0.buildID, artifactID: $0.artifactID,
                    alreadyPresent: $0.alreadyPresent)
            }
        }
        let journal = try await records.beginCommit(
            release: placement.release, units: planned, placementJSON: try placement.jsonText())
        await checkpoint("journal-written")
        var changed: [String] = []
        var added = 0
        for (repository, units) in Dictionary(grouping: journal, by: \.storeRepository).sorted(by: { $0.key < $1.key })
        {
            let present = Set(try await store.listContent(of: repository).map(\.href))
            let missing = units.map(\.contentHref).filter { !present.contains($0) }
            if !missing.isEmpty {
                try await store.modifyContent(of: repository, add: missing, remove: [])
                changed.append(repository)
                added += missing.count
                logger.info("release \(placement.release): \(missing.count) package(s) added to \(repository)")
            }
            await checkpoint("repository-done")
            await checkpoint("repository-done:\(repository)")
        }
        await checkpoint("before-finish")
        try await records.finishCommit(release: placement.release, commitSHA: commitSHA, author: author)
        return Outcome(
            release: placement.release, operation: placement.operation, repositoriesChanged: changed, units: added)
    }

    func revert(_ placement: ReleasePlacement, commitSHA: String, author: String?) async throws -> Outcome {
        let journal = try await records.beginRevert(release: placement.release)
        await checkpoint("revert-started")
        var changed: [String] = []
        var removed = 0
        let added = journal.filter { !$0.alreadyPresent }
        for (repository, units) in Dictionary(grouping: added, by: \.storeRepository).sorted(by: { $0.key < $1.key }) {
            let present = Set(try await store.listContent(of: repository).map(\.href))
            let remove = units.map(\.contentHref).filter { present.contains($0) }
            if !remove.isEmpty {
                try await store.modifyContent(of: repository, add: [], remove: remove)
                changed.append(repository)
                removed += remove.count
                logger.info("release \(placement.release): \(remove.count) package(s) removed from \(repository)")
            }
            await checkpoint("repository-done")
        }
        await checkpoint("before-finish")
        try await records.finishRevert(release: placement.release, commitSHA: commitSHA, author: author)
        return Outcome(
            release: placement.release, operation: placement.operation, repositoriesChanged: changed, units: removed)
    }
}
