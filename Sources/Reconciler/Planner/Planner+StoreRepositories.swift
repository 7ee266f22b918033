import Artifacts
import Spec

extension Planner {
    /// The desired store repositories: one per desired `rpm` repository row.
    public static func desiredStoreRepositories(_ desired: DesiredState) -> [String: StoreRepositorySpec] {
        var out: [String: StoreRepositorySpec] = [:]
        for (key, attrs) in desiredRepositories(desired) {
            guard case .string(let url)? = attrs["url"], case .string(let type)? = attrs["type"],
                  case .bool(let production)? = attrs["production"],
                  let spec = StoreNaming.spec(for: key, url: url, type: type, production: production) else { continue }
            out[spec.name] = spec
        }
        return out
    }

    /// Store repositories (repository + distribution + remote), compared with what carries
    /// Kiln's desired-state label. One still used by a build or by a kept repository row stays.
    public static func reconcileStoreRepositories(desired: DesiredState, actual: ActualState,
                                                  repositoryChanges: [Change] = []) -> [Change] {
        let want = desiredStoreRepositories(desired)
        let have = Dictionary((actual.storeRepositories ?? []).filter(\.isDesiredState).map { ($0.name, $0) },
                              uniquingKeysWith: { a, _ in a })
        var use: [String: [String]] = actual.storeInUse.mapValues { [$0] }
        for c in repositoryChanges where c.action == .keep {
            if let key = RepositoryKey(json: c.identity) {
                use[StoreNaming.storeName(key), default: []].append("repository \"\(c.name)\" is kept")
            }
        }
        return Set(want.keys).union(have.keys).sorted().compactMap { name in
            var c = change(kind: .storeRepository, name: name,
                           desired: want[name]?.planAttributes,
                           actual: have[name].map { $0.fields.mapValues { JSONValue.string($0) } },
                           actualOrigin: have[name] == nil ? nil : "git", usedBy: use[name] ?? [])
            c?.origin = nil
            return c
        }
    }
}
