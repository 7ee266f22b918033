import Spec

extension Planner {
    /// The desired repository rows: standalone `repositories/*.yml` and every platform's repos.
    /// The first declaration of a key wins (standalone files first, then platforms by name).
    public static func desiredRepositories(_ desired: DesiredState) -> [RepositoryKey: [String: JSONValue]] {
        var out: [RepositoryKey: [String: JSONValue]] = [:]
        for r in desired.repositories {
            let key = RepositoryKey(name: r.name, arch: r.arch, debug: r.debug)
            if out[key] == nil {
                out[key] = ["url": .string(r.url), "type": .string(r.type), "production": .bool(r.production)]
            }
        }
        for p in desired.platforms.sorted(by: { $0.name < $1.name }) {
            for r in p.repos {
                let key = RepositoryKey(name: r.name, arch: r.arch, debug: r.debug)
                if out[key] == nil {
                    out[key] = ["url": .string(r.url), "type": .string(r.type), "production": .bool(r.production)]
                }
            }
        }
        return out
    }

    static func attributes(_ r: ActualRepository) -> [String: JSONValue] {
        ["url": .string(r.url), "type": .string(r.type), "production": .bool(r.production)]
    }

    /// Repository rows. One linked to a platform that is kept stays too.
    public static func reconcileRepositories(desired: DesiredState, actual: ActualState,
                                             platformChanges: [Change]) -> [Change] {
        let want = desiredRepositories(desired)
        let have = Dictionary(actual.repositories.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        var use: [RepositoryKey: [String]] = [:]
        let kept = Set(platformChanges.filter { $0.action == .keep }.map(\.name))
        for p in actual.platforms where kept.contains(p.name) {
            for key in p.repositories { use[key, default: []].append("linked to platform \"\(p.name)\", which is kept") }
        }
        return Set(want.keys).union(have.keys).sorted().compactMap { key in
            var attrs = want[key]
            attrs?.merge(key.json) { a, _ in a }
            var before = have[key].map(attributes)
            before?.merge(key.json) { a, _ in a }
            return change(kind: .repository, name: key.description, identity: key.json,
                          desired: attrs, actual: before, actualOrigin: have[key]?.origin,
                          usedBy: use[key] ?? [])
        }
    }
}
