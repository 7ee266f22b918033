import Artifacts
import Foundation
import Spec
import Statuses
import Store

/// Reads what the placements of the releases from git need (their rows and journals, the
/// builds' packages, test outcomes and platform keys from PostgreSQL; the production
/// repositories' content from the artifact store) and computes them with `ReleasePlacer`.
package struct ReleasePlanning: Sendable {
    package let store: any ArtifactStore
    package let records: ReleaseCommitStore
    /// Store reads in flight at once.
    package var maxConcurrentReads = 8

    package init(store: any ArtifactStore, records: ReleaseCommitStore) {
        self.store = store
        self.records = records
    }

    /// The records the placements of `desired` read: its releases and the platforms they name.
    package static func sources(of desired: DesiredState) -> ReleaseSources {
        let carrying = desired.distributions.filter { !$0.builds.isEmpty }
        let names = Set(
            desired.releases.flatMap { [$0.platform] + ($0.referencePlatform.map { [$0] } ?? []) }
                + carrying.flatMap(\.platforms))
        return ReleaseSources(
            releases: desired.releases.sorted { $0.name < $1.name },
            platforms: desired.platforms.filter { names.contains($0.name) }.sorted { $0.name < $1.name },
            distributions: carrying.sorted { $0.name < $1.name })
    }

    /// The builds entering (or half-way into) and leaving the distributions of `sources`, against
    /// the journal of what each build added (`distribution_units`).
    package func distributionChanges(_ sources: ReleaseSources) async throws -> [DistributionChange] {
        let units = Dictionary(
            grouping: try await DistributionUnitStore(client: records.client).units(),
            by: { DistributionBuild(distribution: $0.distribution, buildID: $0.buildID) })
        let wanted = sources.distributions.flatMap { d in
            d.builds.map { DistributionBuild(distribution: d.name, buildID: Int64($0)) }
        }
        if wanted.isEmpty && units.isEmpty { return [] }
        let platforms = Dictionary(sources.platforms.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let byName = Dictionary(sources.distributions.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let fresh = wanted.filter { units[$0] == nil }
        let facts = try await records.facts(
            buildIDs: Array(Set(fresh.map(\.buildID))).sorted(),
            platforms: Array(Set(fresh.compactMap { byName[$0.distribution]?.platforms }.flatMap { $0 })).sorted())
        var names = Set(units.values.flatMap { $0.map(\.storeRepository) })
        for d in Set(fresh.map(\.distribution)) {
            guard let distribution = byName[d] else { continue }
            names.formUnion(DistributionPlacer.repositories(distribution, platforms: platforms).map(\.storeRepository))
        }
        let contents = try await read(names.sorted())
        var out: [DistributionChange] = []
        for key in wanted {
            guard let distribution = byName[key.distribution] else { continue }
            if let journal = units[key] {
                let missing = journal.contains { unit in
                    !(contents[unit.storeRepository] ?? []).contains { $0.href == unit.contentHref }
                }
                if missing {
                    out.append(
                        DistributionChange(
                            distribution: key.distribution, buildID: key.buildID, operation: .resumeAdd,
                            repositories: DistributionPlacer.fromJournal(journal), file: distribution.location?.file))
                }
            } else {
                out.append(
                    DistributionPlacer.add(
                        distribution, buildID: key.buildID, platforms: platforms, facts: facts, contents: contents))
            }
        }
        let wantedSet = Set(wanted)
        for (key, journal) in units.sorted(by: {
            ($0.key.distribution, $0.key.buildID) < ($1.key.distribution, $1.key.buildID)
        })
        where !wantedSet.contains(key) {
            out.append(
                DistributionChange(
                    distribution: key.distribution, buildID: key.buildID, operation: .remove,
                    repositories: DistributionPlacer.fromJournal(journal)))
        }
        return out
    }

    /// The content of each of `names` (absent repositories: empty).
    private func read(_ names: [String]) async throws -> [String: [StoreContent]] {
        let read = try await boundedMap(names, maxConcurrent: maxConcurrentReads) { [store] name -> [StoreContent] in
            do {
                return try await store.listContent(of: name)
            } catch let error as ArtifactStoreError {
                if case .repositoryNotFound = error { return [] }
                throw error
            }
        }
        return Dictionary(zip(names, read), uniquingKeysWith: { a, _ in a })
    }

    /// The placement of every release of `sources` that is planned or has an operation due
    /// (committed and reverted releases with nothing to do are left out).
    package func placements(_ sources: ReleaseSources) async throws -> [ReleasePlacement] {
        guard !sources.releases.isEmpty else { return [] }
        let platforms = Dictionary(sources.platforms.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let rows = try await records.rows(names: sources.releases.map(\.name))
        var work: [(ReleasePlan, Platform, Platform?, ReleaseOperation)] = []
        for release in sources.releases {
            guard let platform = platforms[release.platform] else { continue }
            let row = rows[release.name]
            let operation = ReleasePlacer.operation(state: release.state, row: row)
            if operation == .none, let status = row?.status, status != .scheduled, status != .failed { continue }
            work.append((release, platform, release.referencePlatform.flatMap { platforms[$0] }, operation))
        }
        let fresh = work.filter { $0.3 == .none || $0.3 == .commit }
        let facts = try await records.facts(
            buildIDs: Array(Set(fresh.flatMap { $0.0.builds.map(Int64.init) })).sorted(),
            platforms: Array(Set(fresh.map { $0.1.name })).sorted())
        let names = Array(Set(fresh.flatMap { ReleasePlacer.repositoriesToRead(platform: $0.1, reference: $0.2) }))
            .sorted()
        let contents = try await read(names)
        var out: [ReleasePlacement] = []
        for (release, platform, reference, operation) in work {
            let journal =
                operation == .none || operation == .commit ? [] : try await records.journal(release: release.name)
            out.append(
                ReleasePlacer.place(
                    .init(
                        release: release, platform: platform, reference: reference, facts: facts,
                        contents: contents, row: rows[release.name], journal: journal)))
        }
        return out
    }
}

/// A distribution and one of its builds.
struct DistributionBuild: Hashable {
    var distribution: String
    var buildID: Int64
}
