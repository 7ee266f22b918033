import Spec

extension Planner {
    /// Platforms: fields and linked repositories. A platform used by build tasks, by a
    /// release, or by a distribution that stays is never deleted.
    package static func reconcilePlatforms(
        desired: DesiredState, actual: ActualState,
        distributionChanges: [Change], releaseChanges: [Change]
    ) -> [Change] {
        let want = Dictionary(desired.platforms.map { ($0.name, $0.normalized) }, uniquingKeysWith: { a, _ in a })
        let have = Dictionary(
            actual.platforms.map { a -> (String, Actual<Platform>) in
                var normalized = a
                normalized.record = a.record.normalized
                return (a.record.name, normalized)
            }, uniquingKeysWith: { a, _ in a })
        // What else keeps a platform alive: distributions that are kept, releases not deleted.
        var extraUse: [String: [String]] = [:]
        let keptDistributions = Set(distributionChanges.filter { $0.action == .keep }.map(\.name))
        for d in actual.distributions where keptDistributions.contains(d.record.name) {
            for p in d.record.platforms {
                extraUse[p, default: []].append("in distribution \"\(d.record.name)\", which is kept")
            }
        }
        let deletedReleases = Set(releaseChanges.filter { $0.action == .delete }.map(\.name))
        for r in actual.releases.map(\.record) where !deletedReleases.contains(r.name) {
            extraUse[r.platform, default: []].append("release \"\(r.name)\" targets it")
            if let ref = r.referencePlatform {
                extraUse[ref, default: []].append("release \"\(r.name)\" uses it as reference")
            }
        }
        return Set(want.keys).union(have.keys).sorted().compactMap { name in
            change(Resource.platform, desired: want[name], actual: have[name], usedBy: extraUse[name] ?? [])
        }
    }
}

extension Platform {
    /// The same platform with integral numbers in `data` as integers (YAML and JSONB disagree
    /// on `1` vs `1.0`), so a plan holding it reads back equal from JSON.
    var normalized: Platform {
        var p = self
        p.data = p.data.mapValues(\.normalized)
        return p
    }
}
