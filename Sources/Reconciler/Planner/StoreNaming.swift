import Artifacts

/// How a repository row maps to an artifact-store repository.
public enum StoreNaming {
    /// Label marking store repositories that come from desired state (build repositories,
    /// also `managed-by: kiln`, lack it and are never touched by the reconciler).
    public static let sourceLabelKey = "kiln-source"
    public static let sourceLabelValue = "desired-state"

    /// `AlmaLinux-9-BaseOS-x86_64`, `AlmaLinux-9-BaseOS-x86_64-debug`.
    public static func storeName(_ key: RepositoryKey) -> String {
        "\(key.name)-\(key.arch)" + (key.debug ? "-debug" : "")
    }

    /// The store repository for a desired repository row (nil when its type is not `rpm`).
    /// Repositories that are not production ones are synced from their upstream `url` (a remote).
    public static func spec(for key: RepositoryKey, url: String, type: String, production: Bool) -> StoreRepositorySpec? {
        guard type == "rpm" else { return nil }
        let remote = !production && (url.hasPrefix("http://") || url.hasPrefix("https://")) ? url : nil
        return StoreRepositorySpec(name: storeName(key), kind: .rpm, remoteURL: remote,
                                   basePath: "kiln/\(key.name)/\(key.arch)" + (key.debug ? "/debug" : ""),
                                   labels: [sourceLabelKey: sourceLabelValue])
    }
}

extension ActualStoreRepository {
    /// The fields the plan compares, from what the store reports.
    public init(_ r: StoreRepository) {
        self.init(name: r.name, fields: [
            "kind": r.kind.rawValue,
            "remote_url": r.remoteURL ?? "",
            "base_path": r.distributionHref == nil ? "" : (r.basePath ?? ""),
            "labels": r.labels.keys.sorted().map { "\($0)=\(r.labels[$0] ?? "")" }.joined(separator: ","),
        ])
    }

    /// True when the repository came from desired state (carries `kiln-source`).
    public var isDesiredState: Bool {
        fields["labels"]?.split(separator: ",").contains("\(StoreNaming.sourceLabelKey)=\(StoreNaming.sourceLabelValue)") ?? false
    }
}

extension StoreRepositorySpec {
    /// The same fields as `ActualStoreRepository.init(_:)`, as plan attributes.
    var planAttributes: [String: JSONValueAlias] {
        ["kind": .string(kind.rawValue), "remote_url": .string(remoteURL ?? ""), "base_path": .string(basePath),
         "labels": .string(labels.keys.sorted().map { "\($0)=\(labels[$0] ?? "")" }.joined(separator: ","))]
    }

    /// Reads a spec back from plan attributes.
    init?(name: String, planAttributes a: [String: JSONValueAlias]) {
        guard case .string(let kindText)? = a["kind"], let kind = StoreRepositoryKind(rawValue: kindText),
              case .string(let basePath)? = a["base_path"], case .string(let labelText)? = a["labels"] else { return nil }
        var remote: String?
        if case .string(let r)? = a["remote_url"], !r.isEmpty { remote = r }
        var labels: [String: String] = [:]
        for pair in labelText.split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { labels[String(parts[0])] = String(parts[1]) }
        }
        self.init(name: name, kind: kind, remoteURL: remote, basePath: basePath, labels: labels)
    }
}
