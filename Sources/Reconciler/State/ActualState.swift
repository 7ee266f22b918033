import Artifacts
import Crypto
import Foundation
import Spec

/// What exists now: the desired-state rows in PostgreSQL and Kiln's objects in the artifact
/// store, plus what references them (builds, releases, sign tasks). Read by `StateDatabase`
/// and `ArtifactStore`; compared by `Planner` with a `DesiredState`. Every object is the
/// record type the desired state uses, wrapped in `Actual`.
package struct ActualState: Sendable, Hashable, Codable {
    package var repositories: [Actual<Repository>]
    package var platforms: [Actual<Platform>]
    package var distributions: [Actual<Distribution>]
    package var signKeys: [Actual<SignKey>]
    package var releases: [Actual<ReleasePlan>]
    package var flavors: [Actual<Flavor>]
    /// Teams with their members' roles and owned platforms and products.
    package var teams: [Actual<Team>] = []
    /// Store repositories carrying Kiln's label, as specs (nil: the store side was not read).
    package var storeRepositories: [StoreRepositorySpec]?
    /// Store repository names that belong to builds (never pruned), with the reason.
    package var storeInUse: [String: String]
    /// Content units held by the store repositories the desired state no longer declares (the
    /// ones a plan would delete): one holding content is kept unless it is listed as retired.
    package var storeContentCounts: [String: Int] = [:]

    package init(
        repositories: [Actual<Repository>] = [], platforms: [Actual<Platform>] = [],
        distributions: [Actual<Distribution>] = [], signKeys: [Actual<SignKey>] = [],
        releases: [Actual<ReleasePlan>] = [], storeRepositories: [StoreRepositorySpec]? = nil,
        storeInUse: [String: String] = [:], flavors: [Actual<Flavor>] = []
    ) {
        self.repositories = repositories
        self.platforms = platforms
        self.distributions = distributions
        self.signKeys = signKeys
        self.releases = releases
        self.storeRepositories = storeRepositories
        self.storeInUse = storeInUse
        self.flavors = flavors
    }

    /// The same state with every list sorted, so equal states encode to equal bytes.
    package var canonical: ActualState {
        var s = self
        s.repositories.sort { $0.record.key < $1.record.key }
        s.platforms = s.platforms.map {
            var p = $0
            p.record.repos.sort { $0.key < $1.key }
            p.usedBy.sort()
            return p
        }.sorted { $0.record.name < $1.record.name }
        s.distributions = s.distributions.map {
            var d = $0
            d.record.platforms.sort()
            return d
        }
        .sorted { $0.record.name < $1.record.name }
        s.signKeys = s.signKeys.map {
            var k = $0
            k.usedBy.sort()
            k.record.platforms.sort()
            return k
        }.sorted { $0.record.name < $1.record.name }
        s.releases.sort { $0.record.name < $1.record.name }
        s.flavors = s.flavors.map {
            var f = $0
            f.record.repos.sort { $0.key < $1.key }
            return f
        }.sorted { $0.record.name < $1.record.name }
        s.teams.sort { $0.record.name < $1.record.name }
        s.storeRepositories?.sort { $0.name < $1.name }
        return s
    }

    /// sha256 (hex) over the canonical JSON of this state: what a saved plan is checked against.
    package var fingerprint: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(canonical)) ?? Data()
        return SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}
