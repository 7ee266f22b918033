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
    /// Kiln's desired-state label. One still used by a build or by a kept repository row stays;
    /// one that holds content is deleted only when `retired/` lists it, else it is kept.
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
        let retired = Set(desired.retired.map(\.name))
        return Set(want.keys).union(have.keys).sorted().compactMap { name in
            let planned = change(
                desired: want[name].map(Resource.storeRepository), actual: have[name].map(Resource.storeRepository),
                origin: nil, usedBy: use[name] ?? [])
            guard var c = planned, c.action == .delete, let held = actual.storeContentCounts[name], held > 0 else {
                return planned
            }
            if !retired.contains(name) {
                c.action = .keep
                c.reason = "kept: holds \(countText(held, "package")); list it under retired: to delete"
            } else {
                c.reason = "retired: deleted with the \(countText(held, "package")) it holds"
            }
            return c
        }
    }

    /// `1 package`, `1,234 packages`: a count as a reviewer reads it.
    static func countText(_ n: Int, _ noun: String) -> String {
        let digits = Array(String(n))
        var out = ""
        for (i, d) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
            out.append(d)
        }
        return out + " " + noun + (n == 1 ? "" : "s")
    }
}
