import Spec

extension Planner {
    static func attributes(_ p: Platform) -> [String: JSONValue] {
        let repos = Set(p.repos.map { RepositoryKey(name: $0.name, arch: $0.arch, debug: $0.debug) }).sorted()
        return ["type": .string(p.type), "distr_type": .string(p.distrType),
                "distr_version": .string(p.distrVersion), "test_dist_name": .string(p.testDistName),
                "arch_list": .array(p.archList.map { .string($0) }),
                "data": JSONValue.object(p.data).normalized,
                "repositories": .array(repos.map { .string($0.description) })]
    }

    static func attributes(_ p: ActualPlatform) -> [String: JSONValue] {
        ["type": .string(p.type), "distr_type": .string(p.distrType),
         "distr_version": .string(p.distrVersion), "test_dist_name": .string(p.testDistName),
         "arch_list": .array(p.archList.map { .string($0) }),
         "data": p.data.normalized,
         "repositories": .array(Set(p.repositories).sorted().map { .string($0.description) })]
    }

    /// Platforms: fields and linked repositories. A platform used by build tasks, by a
    /// release, or by a distribution that stays is never deleted.
    public static func reconcilePlatforms(desired: DesiredState, actual: ActualState,
                                          distributionChanges: [Change], releaseChanges: [Change]) -> [Change] {
        let want = Dictionary(desired.platforms.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let have = Dictionary(actual.platforms.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        // What else keeps a platform alive: distributions that are kept, releases not deleted.
        var extraUse: [String: [String]] = [:]
        let keptDistributions = Set(distributionChanges.filter { $0.action == .keep }.map(\.name))
        for d in actual.distributions where keptDistributions.contains(d.name) {
            for p in d.platforms { extraUse[p, default: []].append("in distribution \"\(d.name)\", which is kept") }
        }
        let deletedReleases = Set(releaseChanges.filter { $0.action == .delete }.map(\.name))
        for r in actual.releases where !deletedReleases.contains(r.name) {
            extraUse[r.platform, default: []].append("release \"\(r.name)\" targets it")
            if let ref = r.referencePlatform {
                extraUse[ref, default: []].append("release \"\(r.name)\" uses it as reference")
            }
        }
        return Set(want.keys).union(have.keys).sorted().compactMap { name in
            let a = have[name]
            var c = change(kind: .platform, name: name, desired: want[name].map(attributes),
                           actual: a.map(attributes), actualOrigin: a?.origin,
                           usedBy: (a?.usedBy ?? []) + (extraUse[name] ?? []))
            if let p = want[name], c != nil {
                // apply needs the repository identities, not their display addresses
                let keys = Set(p.repos.map { RepositoryKey(name: $0.name, arch: $0.arch, debug: $0.debug) }).sorted()
                c?.attributes?["repositories"] = .array(keys.map { .object($0.json) })
            }
            return c
        }
    }
}
