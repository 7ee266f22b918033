import Artifacts
import Spec
import Store

/// What a reconcile does with one build of a distribution.
package enum DistributionOperation: String, Sendable, Hashable, Codable {
    /// A build newly listed in the distribution's file: add its packages.
    case add
    /// An add a stopped process left half-way (units journaled, not all in the store): finish it.
    case resumeAdd = "resume_add"
    /// A build no longer listed: remove what it added.
    case remove

    var phrase: String {
        switch self {
        case .add: "will be added"
        case .resumeAdd: "will be added (resuming an interrupted add)"
        case .remove: "will be removed"
        }
    }
}

/// One build entering or leaving a distribution: the packages per distribution store repository
/// (one per platform and arch, debug and src apart) and, for an add, the refusals (the same as a
/// release's). Part of the `Plan` (`distributions`).
package struct DistributionChange: Sendable, Hashable, Codable {
    package var distribution: String
    package var buildID: Int64
    package var operation: DistributionOperation
    package var repositories: [PlacedRepository]
    package var refusals: [ReleaseRefusal]
    /// The distribution's file, when known.
    package var file: String?

    package init(
        distribution: String, buildID: Int64, operation: DistributionOperation, repositories: [PlacedRepository] = [],
        refusals: [ReleaseRefusal] = [], file: String? = nil
    ) {
        self.distribution = distribution
        self.buildID = buildID
        self.operation = operation
        self.repositories = repositories
        self.refusals = refusals
        self.file = file
    }

    enum CodingKeys: String, CodingKey {
        case distribution
        case buildID = "build_id"
        case operation, repositories, refusals, file
    }
}

/// The store repositories of a distribution and where a build's packages go in them.
package enum DistributionPlacer {
    /// Label value (`kiln-source`) of a distribution's store repositories: the desired-state prune
    /// never touches them; they are created on first use.
    package static let sourceLabelValue = "distribution"

    /// `dist-almalinux-almalinux-9-x86_64`, `...-x86_64-debug`, `...-src`.
    package static func storeName(distribution: String, platform: String, arch: String, debug: Bool) -> String {
        "dist-\(distribution)-\(platform)-\(arch)".lowercased() + (debug ? "-debug" : "")
    }

    /// The store repository spec of one distribution repository.
    package static func spec(distribution: String, platform: String, arch: String, debug: Bool) -> StoreRepositorySpec {
        StoreRepositorySpec(
            name: storeName(distribution: distribution, platform: platform, arch: arch, debug: debug), kind: .rpm,
            basePath: "kiln/dist/\(distribution)/\(platform)/\(arch)" + (debug ? "-debug" : ""),
            labels: [StoreNaming.sourceLabelKey: sourceLabelValue])
    }

    /// Every store repository of `distribution` on `platforms` (for each arch: packages and debug; src).
    package static func repositories(_ distribution: Distribution, platforms: [String: Platform]) -> [PlacedRepository]
    {
        distribution.platforms.compactMap { platforms[$0] }.flatMap { p in
            p.archList.flatMap { arch in
                [false, true].map { debug in
                    PlacedRepository(
                        repository: "\(distribution.name)/\(p.name)", arch: arch, debug: debug,
                        storeRepository: storeName(
                            distribution: distribution.name, platform: p.name, arch: arch, debug: debug),
                        packages: [])
                }
            } + [
                PlacedRepository(
                    repository: "\(distribution.name)/\(p.name)", arch: "src", debug: false,
                    storeRepository: storeName(
                        distribution: distribution.name, platform: p.name, arch: "src", debug: false),
                    packages: [])
            ]
        }
    }

    /// Where build `buildID`'s packages go in `distribution`: by arch, noarch into every arch,
    /// debuginfo/debugsource into the arch's debug repository, source RPMs into src; refused as a
    /// release's would be (signed with a key the build's platform accepts, tests where required,
    /// no NEVRA already there with other content).
    package static func add(
        _ distribution: Distribution, buildID: Int64, platforms: [String: Platform], facts: ReleaseBuildFacts,
        contents: [String: [StoreContent]]
    ) -> DistributionChange {
        var change = DistributionChange(
            distribution: distribution.name, buildID: buildID, operation: .add, file: distribution.location?.file)
        guard facts.existing.contains(buildID) else {
            change.refusals = [ReleaseRefusal(buildID: buildID, reason: "build \(buildID) does not exist")]
            return change
        }
        let mine = facts.candidates.filter { $0.buildID == buildID && distribution.platforms.contains($0.platform) }
        guard !mine.isEmpty else {
            change.refusals = [
                ReleaseRefusal(
                    buildID: buildID,
                    reason:
                        "build \(buildID) has no packages for the platforms of distribution \(distribution.name) "
                        + "(\(distribution.platforms.joined(separator: ", ")))")
            ]
            return change
        }
        var placed: [String: PlacedRepository] = [:]
        for platformName in Set(mine.map(\.platform)).sorted() {
            guard let platform = platforms[platformName] else { continue }
            let (candidates, duplicates) = ReleasePlacer.unique(mine.filter { $0.platform == platformName })
            change.refusals += duplicates
            let accepted = facts.platformKeys[platformName] ?? []
            for c in candidates {
                if let refusal = ReleasePlacer.gate(c, platform: platform, tests: facts.tests, acceptedKeys: accepted) {
                    change.refusals.append(refusal)
                    continue
                }
                let debug = ReleasePlacer.debugBase(c.name) != nil
                let arches: [String] =
                    c.arch == "src" ? ["src"] : c.arch == "noarch" ? platform.archList : [c.arch]
                guard c.arch == "src" || c.arch == "noarch" || platform.archList.contains(c.arch) else {
                    change.refusals.append(
                        ReleaseRefusal(
                            nevra: c.nevra, fileName: c.fileName, buildID: c.buildID,
                            reason: "no target: platform \(platformName) has no arch \(c.arch)"))
                    continue
                }
                var targets: [(String, String)] = []
                for arch in arches {
                    targets.append(
                        (
                            storeName(
                                distribution: distribution.name, platform: platformName, arch: arch,
                                debug: debug && arch != "src"), arch
                        ))
                }
                var conflict: ReleaseRefusal?
                var packages: [(String, String, PlacedPackage)] = []
                for (store, arch) in targets {
                    let same = (contents[store] ?? []).filter { $0.nevra == c.nevra }
                    if let other = same.first(where: { $0.sha256.lowercased() != c.sha256 }) {
                        conflict = ReleaseRefusal(
                            nevra: c.nevra, fileName: c.fileName, buildID: c.buildID,
                            reason:
                                "conflict: \(store) already holds \(c.nevra) with different content "
                                + "(sha256 \(other.sha256.prefix(12))…, this build's \(c.sha256.prefix(12))…)")
                        break
                    }
                    let present = same.contains { $0.href == c.href || $0.sha256.lowercased() == c.sha256 }
                    packages.append(
                        (
                            store, arch,
                            PlacedPackage(
                                nevra: c.nevra, fileName: c.fileName, buildID: c.buildID, artifactID: c.artifactID,
                                href: c.href, sha256: c.sha256,
                                reason: c.arch == "src"
                                    ? "source" : debug ? "debug" : c.arch == "noarch" ? "noarch" : "arch",
                                alreadyPresent: present)
                        ))
                }
                if let conflict {
                    change.refusals.append(conflict)
                    continue
                }
                for (store, arch, package) in packages {
                    placed[
                        store,
                        default: PlacedRepository(
                            repository: "\(distribution.name)/\(platformName)", arch: arch,
                            debug: debug && arch != "src",
                            storeRepository: store, packages: [])
                    ].packages.append(package)
                }
            }
        }
        change.repositories = placed.values.map {
            var r = $0
            r.packages.sort { ($0.nevra, $0.href) < ($1.nevra, $1.href) }
            return r
        }.sorted { $0.storeRepository < $1.storeRepository }
        return change
    }

    /// A journal as repositories (resume, remove).
    static func fromJournal(_ units: [DistributionUnit]) -> [PlacedRepository] {
        Dictionary(grouping: units, by: \.storeRepository).map { store, units in
            PlacedRepository(
                repository: units.first?.distribution ?? store, arch: "", debug: store.hasSuffix("-debug"),
                storeRepository: store,
                packages: units.map {
                    PlacedPackage(
                        nevra: $0.nevra, fileName: $0.fileName, buildID: $0.buildID, artifactID: nil,
                        href: $0.contentHref, sha256: $0.sha256, reason: "journal", alreadyPresent: $0.alreadyPresent)
                }.sorted { ($0.nevra, $0.href) < ($1.nevra, $1.href) })
        }.sorted { $0.storeRepository < $1.storeRepository }
    }
}
