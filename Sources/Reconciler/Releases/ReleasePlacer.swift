import Artifacts
import Spec
import Statuses
import Store

/// Computes a release's placement plan, without side effects.
///
/// Where a package goes: the explicit placement of the release file (`packages:`), else the
/// production repository "class" (`baseos` of `almalinux-9-baseos`) that already carries the
/// package name, in the target platform or in the reference platform (their store repositories,
/// synced from upstream); `noarch` into that class for every arch; an `i686` package that a
/// class ships for `x86_64` also into that `x86_64` repository (multilib); debuginfo/debugsource
/// into the debug repository of the class its base package goes to; source RPMs into the `src`
/// repository of the class the build's packages go to.
///
/// Refusals (the release cannot be committed while it has any): no known target, unsigned,
/// signed with a key the platform does not accept, tests not passed where the platform requires
/// them, a NEVRA already in the target with different content, the same NEVRA built twice with
/// different content, a build that does not exist or has no packages.
package enum ReleasePlacer {
    /// Everything the placement of one release reads.
    package struct Input: Sendable {
        package var release: ReleasePlan
        package var platform: Platform
        package var reference: Platform?
        package var facts: ReleaseBuildFacts
        /// Store repository name → its content (absent: empty or not created yet).
        package var contents: [String: [StoreContent]]
        package var row: ReleaseRow?
        /// The journal of the release's last commit (resume and revert work from it).
        package var journal: [ReleaseUnit]

        package init(
            release: ReleasePlan, platform: Platform, reference: Platform?, facts: ReleaseBuildFacts,
            contents: [String: [StoreContent]], row: ReleaseRow?, journal: [ReleaseUnit]
        ) {
            self.release = release
            self.platform = platform
            self.reference = reference
            self.facts = facts
            self.contents = contents
            self.row = row
            self.journal = journal
        }
    }

    /// What a reconcile does with a release whose file says `state` and whose row is `row`.
    package static func operation(state: ReleaseState, row: ReleaseRow?) -> ReleaseOperation {
        let status = row?.status ?? .scheduled
        switch (state, status) {
        case (_, .inProgress):
            // finish what a stopped process began; a reverted file undoes a half commit at once
            if row?.operation == .revert { return .resumeRevert }
            return state == .reverted ? .revert : .resumeCommit
        case (.committed, .scheduled), (.committed, .failed), (.committed, .reverted): return .commit
        case (.reverted, .completed): return .revert
        default: return .none
        }
    }

    /// The store repositories whose content the placement of `release` reads.
    package static func repositoriesToRead(platform: Platform, reference: Platform?) -> [String] {
        let repos = production(platform) + (reference.map(production) ?? [])
        return Array(Set(repos.map { StoreNaming.storeName($0.key) })).sorted()
    }

    /// The production rpm repositories of `platform`.
    static func production(_ platform: Platform) -> [Repository] {
        platform.repos.filter { $0.production && $0.type == "rpm" }
    }

    /// The class of repository `name` of `platform`: the name without the lower-cased platform
    /// name prefix and without a `-debuginfo`/`-debug` suffix (`almalinux-9-baseos-debuginfo` →
    /// `baseos`).
    package static func repositoryClass(_ name: String, platform: String) -> String {
        var n = name.lowercased()
        let prefix = platform.lowercased() + "-"
        if n.hasPrefix(prefix), n.count > prefix.count { n.removeFirst(prefix.count) }
        for suffix in ["-debuginfo", "-debug"] where n.hasSuffix(suffix) && n.count > suffix.count {
            n.removeLast(suffix.count)
            break
        }
        return n
    }

    /// `foo-debuginfo`, `foo-debugsource` and their base name `foo`; nil for other packages.
    static func debugBase(_ name: String) -> String? {
        for suffix in ["-debuginfo", "-debugsource"] where name.hasSuffix(suffix) && name.count > suffix.count {
            return String(name.dropLast(suffix.count))
        }
        return nil
    }

    /// The placement plan.
    package static func place(_ input: Input) -> ReleasePlacement {
        let operation = operation(state: input.release.state, row: input.row)
        var placement = ReleasePlacement(
            release: input.release.name, platform: input.platform.name,
            referencePlatform: input.release.referencePlatform, state: input.release.state.rawValue,
            operation: operation, file: input.release.location?.file)
        // a production repository synced read-only from upstream (`sync: {read_only: true}`) is
        // never released into: it is only read, as a reference
        let targets = production(input.platform).filter { $0.sync?.readOnly != true }
        switch operation {
        case .resumeCommit, .revert, .resumeRevert:
            placement.repositories = fromJournal(input.journal, targets: targets)
            return placement
        case .none, .commit:
            break
        }
        placement.refusals += buildRefusals(input)
        let builds = Set(input.release.builds.map(Int64.init))
        let (candidates, duplicates) = unique(input.facts.candidates.filter { builds.contains($0.buildID) })
        placement.refusals += duplicates
        let index = ShipIndex(input: input)
        var placed: [String: [PlacedPackage]] = [:]
        var classesByBuild: [Int64: Set<String>] = [:]
        var deferred: [ReleaseCandidate] = []
        let accepted = Set(input.facts.platformKeys[input.platform.name] ?? [])
        for candidate in candidates {
            let explicit = input.release.packages.first { $0.name == candidate.name && $0.arch == candidate.arch }
            if explicit?.skip == true {
                placement.skipped.append(package(candidate, reason: "skip", present: false))
                continue
            }
            if let refusal = gate(candidate, platform: input.platform, tests: input.facts.tests, acceptedKeys: accepted)
            {
                placement.refusals.append(refusal)
                continue
            }
            if let explicit {
                let named = targets.filter { explicit.repositories.contains($0.name) }
                let repos = named.filter { repo in
                    if candidate.arch == "noarch" { return repo.arch != "src" }
                    if repo.arch == candidate.arch { return true }
                    // multilib: an i686 package placed into a repository name that has no i686 repository
                    return candidate.arch == "i686" && repo.arch == "x86_64"
                        && !named.contains { $0.name == repo.name && $0.arch == "i686" }
                }
                add(
                    candidate, to: repos, reason: "explicit", input: input, placed: &placed,
                    refusals: &placement.refusals)
                continue
            }
            if candidate.arch == "src" || debugBase(candidate.name) != nil {
                deferred.append(candidate)
                continue
            }
            let classes = index.classes(of: candidate.name)
            classesByBuild[candidate.buildID, default: []].formUnion(classes)
            var repos: [(Repository, String)] = []
            for repo in targets where !repo.debug && repo.arch != "src" && classes.contains(index.targetClass(repo)) {
                if candidate.arch == "noarch" {
                    repos.append((repo, "noarch"))
                } else if repo.arch == candidate.arch {
                    repos.append((repo, "reference"))
                } else if candidate.arch == "i686", repo.arch == "x86_64",
                    index.multilib(candidate.name).contains(index.targetClass(repo))
                {
                    repos.append((repo, "multilib"))
                }
            }
            if repos.isEmpty {
                placement.refusals.append(noTarget(candidate, input))
                continue
            }
            for (repo, reason) in repos {
                add(candidate, to: [repo], reason: reason, input: input, placed: &placed, refusals: &placement.refusals)
            }
        }
        for candidate in deferred {
            let debug = debugBase(candidate.name)
            var classes = debug.map { index.classes(of: $0) } ?? index.sourceClasses(of: candidate.name)
            if classes.isEmpty { classes = classesByBuild[candidate.buildID] ?? [] }
            let repos = targets.filter { repo in
                guard classes.contains(index.targetClass(repo)) else { return false }
                return debug != nil
                    ? repo.debug && repo.arch == candidate.arch
                    : !repo.debug && repo.arch == "src"
            }
            if repos.isEmpty {
                placement.refusals.append(noTarget(candidate, input))
                continue
            }
            add(
                candidate, to: repos, reason: debug != nil ? "debug" : "source", input: input, placed: &placed,
                refusals: &placement.refusals)
        }
        placement.repositories = targets.compactMap { repo -> PlacedRepository? in
            let store = StoreNaming.storeName(repo.key)
            guard let packages = placed[store], !packages.isEmpty else { return nil }
            return PlacedRepository(
                repository: repo.name, arch: repo.arch, debug: repo.debug, storeRepository: store,
                packages: packages.sorted { ($0.nevra, $0.href) < ($1.nevra, $1.href) })
        }.sorted { $0.storeRepository < $1.storeRepository }
        placement.refusals.sort {
            ($0.buildID ?? 0, $0.nevra ?? "", $0.reason) < ($1.buildID ?? 0, $1.nevra ?? "", $1.reason)
        }
        placement.skipped.sort { $0.nevra < $1.nevra }
        return placement
    }

    // MARK: - Pieces

    /// Builds that do not exist or hold no RPMs.
    static func buildRefusals(_ input: Input) -> [ReleaseRefusal] {
        let withPackages = Set(input.facts.candidates.map(\.buildID))
        return input.release.builds.map(Int64.init).compactMap { build in
            if !input.facts.existing.contains(build) {
                return ReleaseRefusal(buildID: build, reason: "build \(build) does not exist")
            }
            if !withPackages.contains(build) {
                return ReleaseRefusal(buildID: build, reason: "build \(build) has no packages (not built yet?)")
            }
            return nil
        }
    }

    /// One candidate per NEVRA (noarch packages come from every arch task); the same NEVRA with
    /// different content is refused.
    static func unique(_ candidates: [ReleaseCandidate]) -> ([ReleaseCandidate], [ReleaseRefusal]) {
        var byNEVRA: [String: [ReleaseCandidate]] = [:]
        for c in candidates { byNEVRA[c.nevra, default: []].append(c) }
        var out: [ReleaseCandidate] = []
        var refusals: [ReleaseRefusal] = []
        for (nevra, group) in byNEVRA.sorted(by: { $0.key < $1.key }) {
            let first = group.min { $0.artifactID < $1.artifactID }
            guard let first else { continue }
            if Set(group.map(\.sha256)).count > 1 {
                let builds = Set(group.map(\.buildID)).sorted().map(String.init).joined(separator: ", ")
                refusals.append(
                    ReleaseRefusal(
                        nevra: nevra, fileName: first.fileName, buildID: first.buildID,
                        reason: "built more than once with different content (builds \(builds))"))
                continue
            }
            out.append(first)
        }
        return (out, refusals)
    }

    /// The gates every package passes: signed and verified with a key of the platform, tests.
    static func gate(
        _ c: ReleaseCandidate, platform: Platform, tests: [Int64: TestOutcomeName], acceptedKeys: Set<String>
    ) -> ReleaseRefusal? {
        func refuse(_ reason: String) -> ReleaseRefusal {
            ReleaseRefusal(nevra: c.nevra, fileName: c.fileName, buildID: c.buildID, reason: reason)
        }
        guard c.signed, let key = c.signKey else {
            return refuse("unsigned: sign build \(c.buildID) first (POST /api/v1/sign-tasks/)")
        }
        guard acceptedKeys.contains(key) else {
            return refuse(
                "unverified: signed with key \"\(key)\", which platform \(platform.name) does not accept "
                    + "(sign-keys/*.yml platforms:)")
        }
        if platform.releaseRequiresTests {
            switch tests[c.buildID] ?? TestOutcomeName.none {
            case .passed: break
            case .failed: return refuse("tests failed (platform \(platform.name) requires passed tests)")
            case .pending: return refuse("tests not finished (platform \(platform.name) requires passed tests)")
            case .none: return refuse("not tested (platform \(platform.name) requires passed tests)")
            }
        }
        return nil
    }

    static func noTarget(_ c: ReleaseCandidate, _ input: Input) -> ReleaseRefusal {
        let scope =
            input.reference.map { "\(input.platform.name) or reference platform \($0.name)" }
            ?? input.platform.name
        return ReleaseRefusal(
            nevra: c.nevra, fileName: c.fileName, buildID: c.buildID,
            reason:
                "no known target: \(c.name) (\(c.arch)) ships in no production repository of \(scope); "
                + "place it under packages: in the release file (or skip it)")
    }

    static func package(_ c: ReleaseCandidate, reason: String, present: Bool) -> PlacedPackage {
        PlacedPackage(
            nevra: c.nevra, fileName: c.fileName, buildID: c.buildID, artifactID: c.artifactID, href: c.href,
            sha256: c.sha256, reason: reason, alreadyPresent: present)
    }

    /// Places `c` into `repos`, or refuses it when one of them holds the same NEVRA with other content.
    static func add(
        _ c: ReleaseCandidate, to repos: [Repository], reason: String, input: Input,
        placed: inout [String: [PlacedPackage]], refusals: inout [ReleaseRefusal]
    ) {
        if repos.isEmpty {
            refusals.append(
                ReleaseRefusal(
                    nevra: c.nevra, fileName: c.fileName, buildID: c.buildID,
                    reason: "no production repository of \(input.platform.name) named in packages: has arch \(c.arch)"))
            return
        }
        var planned: [(String, PlacedPackage)] = []
        for repo in repos {
            let store = StoreNaming.storeName(repo.key)
            let same = (input.contents[store] ?? []).filter { $0.nevra == c.nevra }
            if let other = same.first(where: { $0.sha256.lowercased() != c.sha256 }) {
                refusals.append(
                    ReleaseRefusal(
                        nevra: c.nevra, fileName: c.fileName, buildID: c.buildID,
                        reason:
                            "conflict: \(store) already holds \(c.nevra) with different content "
                            + "(sha256 \(other.sha256.prefix(12))…, this build's \(c.sha256.prefix(12))…)"))
                return
            }
            let present = same.contains { $0.href == c.href || $0.sha256.lowercased() == c.sha256 }
            planned.append((store, package(c, reason: reason, present: present)))
        }
        for (store, p) in planned where !(placed[store] ?? []).contains(where: { $0.nevra == p.nevra }) {
            placed[store, default: []].append(p)
        }
    }

    /// A commit's journal as repositories (resume, revert).
    static func fromJournal(_ journal: [ReleaseUnit], targets: [Repository]) -> [PlacedRepository] {
        let byStore = Dictionary(targets.map { (StoreNaming.storeName($0.key), $0) }, uniquingKeysWith: { a, _ in a })
        return Dictionary(grouping: journal, by: \.storeRepository).map { store, units in
            let repo = byStore[store]
            return PlacedRepository(
                repository: repo?.name ?? store, arch: repo?.arch ?? "", debug: repo?.debug ?? false,
                storeRepository: store,
                packages: units.map {
                    PlacedPackage(
                        nevra: $0.nevra, fileName: $0.fileName, buildID: $0.buildID, artifactID: $0.artifactID,
                        href: $0.contentHref, sha256: $0.sha256, reason: "journal", alreadyPresent: $0.alreadyPresent)
                }.sorted { ($0.nevra, $0.href) < ($1.nevra, $1.href) })
        }.sorted { $0.storeRepository < $1.storeRepository }
    }
}

/// Which repository classes carry a package name, read from the target's and the reference
/// platform's production store repositories.
struct ShipIndex {
    private var binary: [String: Set<String>] = [:]
    private var x86: [String: Set<String>] = [:]
    private var source: [String: Set<String>] = [:]
    private let platform: String

    init(input: ReleasePlacer.Input) {
        platform = input.platform.name
        for p in [input.platform] + (input.reference.map { [$0] } ?? []) {
            for repo in ReleasePlacer.production(p) where !repo.debug {
                let cls = ReleasePlacer.repositoryClass(repo.name, platform: p.name)
                for unit in input.contents[StoreNaming.storeName(repo.key)] ?? [] {
                    guard let name = unit.name else { continue }
                    if repo.arch == "src" || unit.arch == "src" {
                        source[name, default: []].insert(cls)
                    } else {
                        binary[name, default: []].insert(cls)
                        if repo.arch == "x86_64" { x86[name, default: []].insert(cls) }
                    }
                }
            }
        }
    }

    /// Classes whose binary repositories carry `name`.
    func classes(of name: String) -> Set<String> { binary[name] ?? [] }

    /// Classes whose `x86_64` repositories carry `name` (multilib).
    func multilib(_ name: String) -> Set<String> { x86[name] ?? [] }

    /// Classes whose source repositories carry `name`, else those carrying a binary of that name.
    func sourceClasses(of name: String) -> Set<String> { source[name] ?? binary[name] ?? [] }

    /// The class of a target repository.
    func targetClass(_ repo: Repository) -> String { ReleasePlacer.repositoryClass(repo.name, platform: platform) }
}
