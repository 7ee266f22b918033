import Artifacts
import Spec

/// How a repository row maps to an artifact-store repository.
package enum StoreNaming {
    /// Label marking store repositories that come from desired state (build repositories,
    /// also `managed-by: kiln`, lack it and are never touched by the reconciler).
    package static let sourceLabelKey = "kiln-source"
    package static let sourceLabelValue = "desired-state"

    /// `AlmaLinux-9-BaseOS-x86_64`, `AlmaLinux-9-BaseOS-x86_64-debug`.
    package static func storeName(_ key: RepositoryKey) -> String { key.storeName }

    /// The store repository for a desired repository (nil when its type is not `rpm`).
    /// Repositories that are not production ones are synced from their upstream `url` (a remote);
    /// so is a production one that opts in with `sync: {read_only: true}` (Kiln releases nothing into it).
    package static func spec(for repository: Repository) -> StoreRepositorySpec? {
        guard repository.type == "rpm" else { return nil }
        let url = repository.url
        let key = repository.key
        let syncable = !repository.production || repository.sync?.readOnly == true
        let remote = syncable && (url.hasPrefix("http://") || url.hasPrefix("https://")) ? url : nil
        return StoreRepositorySpec(
            name: storeName(key), kind: .rpm, remoteURL: remote,
            basePath: "kiln/\(key.name)/\(key.arch)" + (key.debug ? "/debug" : ""),
            labels: [sourceLabelKey: sourceLabelValue])
    }

    /// What the store reports, as the spec the plan compares: the base path is empty when the
    /// distribution is missing, the labels are the stored ones.
    package static func actualSpec(_ r: StoreRepository) -> StoreRepositorySpec {
        var spec = StoreRepositorySpec(
            name: r.name, kind: r.kind, remoteURL: r.remoteURL,
            basePath: r.distributionHref == nil ? "" : (r.basePath ?? ""))
        spec.labels = r.labels
        return spec
    }
}

extension StoreRepositorySpec {
    /// True when the repository comes from desired state (carries `kiln-source`).
    package var isDesiredState: Bool { labels[StoreNaming.sourceLabelKey] == StoreNaming.sourceLabelValue }
}
