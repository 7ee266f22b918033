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
        let (changed, added) = try await converge(
            Dictionary(grouping: journal, by: \.storeRepository).mapValues { $0.map(\.contentHref) }, adding: true,
            what: "release \(placement.release)"
        ) { repository in
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
        let added = journal.filter { !$0.alreadyPresent }
        let (changed, removed) = try await converge(
            Dictionary(grouping: added, by: \.storeRepository).mapValues { $0.map(\.contentHref) }, adding: false,
            what: "release \(placement.release)"
        ) { _ in await checkpoint("repository-done") }
        await checkpoint("before-finish")
        try await records.finishRevert(release: placement.release, commitSHA: commitSHA, author: author)
        return Outcome(
            release: placement.release, operation: placement.operation, repositoriesChanged: changed, units: removed)
    }

    /// Brings each repository of `hrefs` to hold (`adding`) or not hold its hrefs: one new version
    /// per repository that needs one (`modifyContent`), none for the others; `after` runs after
    /// each repository. A repository that is gone holds nothing (a removal skips it). Returns the
    /// repositories changed and the units added or removed.
    func converge(
        _ hrefs: [String: [String]], adding: Bool, what: String, after: (String) async -> Void = { _ in }
    ) async throws -> (changed: [String], units: Int) {
        var changed: [String] = []
        var count = 0
        for (repository, wanted) in hrefs.sorted(by: { $0.key < $1.key }) {
            let present: Set<String>
            do {
                present = Set(try await store.listContent(of: repository).map(\.href))
            } catch let error as ArtifactStoreError {
                guard !adding, case .repositoryNotFound = error else { throw error }
                await after(repository)
                continue
            }
            let todo = wanted.filter { present.contains($0) != adding }
            if !todo.isEmpty {
                try await store.modifyContent(of: repository, add: adding ? todo : [], remove: adding ? [] : todo)
                changed.append(repository)
                count += todo.count
                logger.info("\(what): \(todo.count) package(s) \(adding ? "added to" : "removed from") \(repository)")
            }
            await after(repository)
        }
        return (changed, count)
    }
}
