import Spec

extension Planner {
    /// The desired repository rows: standalone `repositories/*.yml`, every platform's and every
    /// flavor's repos. The first declaration of a key wins (standalone files first, then
    /// platforms by name, then flavors by name).
    package static func desiredRepositories(_ desired: DesiredState) -> [RepositoryKey: Repository] {
        var out: [RepositoryKey: Repository] = [:]
        for r in desired.repositories where out[r.key] == nil { out[r.key] = r }
        for p in desired.platforms.sorted(by: { $0.name < $1.name }) {
            for r in p.repos where out[r.key] == nil { out[r.key] = r }
        }
        for f in desired.flavors.sorted(by: { $0.name < $1.name }) {
            for r in f.repos where out[r.key] == nil { out[r.key] = r }
        }
        return out
    }

    /// Repository rows. One linked to a platform or a flavor that is kept stays too.
    package static func reconcileRepositories(
        desired: DesiredState, actual: ActualState,
        platformChanges: [Change], flavorChanges: [Change] = []
    ) -> [Change] {
        let want = desiredRepositories(desired)
        let have = Dictionary(actual.repositories.map { ($0.record.key, $0) }, uniquingKeysWith: { a, _ in a })
        var use: [RepositoryKey: [String]] = [:]
        let kept = Set(platformChanges.filter { $0.action == .keep }.map(\.name))
        for p in actual.platforms.map(\.record) where kept.contains(p.name) {
            for r in p.repos { use[r.key, default: []].append("linked to platform \"\(p.name)\", which is kept") }
        }
        let keptFlavors = Set(flavorChanges.filter { $0.action == .keep }.map(\.name))
        for f in actual.flavors.map(\.record) where keptFlavors.contains(f.name) {
            for r in f.repos { use[r.key, default: []].append("linked to flavor \"\(f.name)\", which is kept") }
        }
        return Set(want.keys).union(have.keys).sorted().compactMap { key in
            change(Resource.repository, desired: want[key], actual: have[key], usedBy: use[key] ?? [])
        }
    }
}
