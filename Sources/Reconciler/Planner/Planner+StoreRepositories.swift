import Artifacts
import Spec

extension Planner {
    /// The desired store repositories: one per desired `rpm` repository row.
    package static func desiredStoreRepositories(_ desired: DesiredState) -> [String: StoreRepositorySpec] {
        var out: [String: StoreRepositorySpec] = [:]
        for repository in desiredRepositories(desired).values {
            if let spec = StoreNaming.spec(for: repository) { out[spec.name] = spec }
        }
        return out
    }

    /// Store repositories (repository + distribution + remote), compared with what carries
    /// Kiln's desired-state label. One still used by a build or by a kept repository row stays.
    package static func reconcileStoreRepositories(
        desired: DesiredState, actual: ActualState,
        repositoryChanges: [Change] = []
    ) -> [Change] {
        let want = desiredStoreRepositories(desired)
        let have = Dictionary(
            (actual.storeRepositories ?? []).filter(\.isDesiredState).map { ($0.name, $0) },
            uniquingKeysWith: { a, _ in a })
        var use: [String: [String]] = actual.storeInUse.mapValues { [$0] }
        for c in repositoryChanges where c.action == .keep {
            if case .repository(let r)? = c.actual ?? c.desired {
                use[StoreNaming.storeName(r.key), default: []].append("repository \"\(c.name)\" is kept")
            }
        }
        return Set(want.keys).union(have.keys).sorted().compactMap { name in
            change(
                desired: want[name].map(Resource.storeRepository), actual: have[name].map(Resource.storeRepository),
                origin: nil, usedBy: use[name] ?? [])
        }
    }
}
