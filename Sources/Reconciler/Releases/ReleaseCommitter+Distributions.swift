import Artifacts
import Logging
import Store

extension ReleaseCommitter {
    /// Adds (or finishes adding) a build's packages to a distribution's store repositories, or
    /// removes what it added: journal first (`distribution_units`), then one new version per
    /// repository, then (for a removal) the journal is forgotten. Idempotent at every step.
    package func run(_ change: DistributionChange) async throws -> Outcome {
        let units = DistributionUnitStore(client: records.client, logger: logger)
        let label = "distribution \(change.distribution) build \(change.buildID)"
        switch change.operation {
        case .add, .resumeAdd:
            for repo in change.repositories {
                guard let spec = Self.spec(repo.storeRepository, change) else { continue }
                _ = try await store.ensureRepository(spec)
            }
            let planned = change.repositories.flatMap { repo in
                repo.packages.map {
                    DistributionUnit(
                        distribution: change.distribution, buildID: change.buildID,
                        storeRepository: repo.storeRepository,
                        contentHref: $0.href, fileName: $0.fileName, nevra: $0.nevra, sha256: $0.sha256,
                        alreadyPresent: $0.alreadyPresent)
                }
            }
            let journal = try await units.begin(planned, distribution: change.distribution, buildID: change.buildID)
            await checkpoint("distribution-journal-written")
            let (changed, added) = try await converge(
                Dictionary(grouping: journal, by: \.storeRepository).mapValues { $0.map(\.contentHref) }, adding: true,
                what: label)
            logger.info("\(label): \(added) package(s) added to \(changed.count) repositories")
            return Outcome(release: label, operation: .commit, repositoriesChanged: changed, units: added)
        case .remove:
            let journal = try await units.journal(distribution: change.distribution, buildID: change.buildID)
            let (changed, removed) = try await converge(
                Dictionary(grouping: journal.filter { !$0.alreadyPresent }, by: \.storeRepository).mapValues {
                    $0.map(\.contentHref)
                }, adding: false, what: label)
            await checkpoint("distribution-removed")
            try await units.forget(distribution: change.distribution, buildID: change.buildID)
            logger.info("\(label): \(removed) package(s) removed from \(changed.count) repositories")
            return Outcome(release: label, operation: .revert, repositoriesChanged: changed, units: removed)
        }
    }

    /// The spec of a distribution store repository named `name` (`dist-<d>-<platform>-<arch>[-debug]`).
    static func spec(_ name: String, _ change: DistributionChange) -> StoreRepositorySpec? {
        guard let repo = change.repositories.first(where: { $0.storeRepository == name }) else { return nil }
        let parts = repo.repository.split(separator: "/", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return nil }
        return DistributionPlacer.spec(distribution: parts[0], platform: parts[1], arch: repo.arch, debug: repo.debug)
    }
}
