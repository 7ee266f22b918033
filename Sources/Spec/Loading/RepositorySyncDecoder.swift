import Yams

extension FileReader {
    /// `sync:` of a repository: `interval` (`30m`, `6h`, `1d`; at least one minute), `policy`
    /// (`immediate`, `on_demand`, `streamed`), `read_only` (only on, and required for, a
    /// production repository). nil when absent.
    mutating func repositorySync(_ f: Fields, production: Bool) -> RepositorySync? {
        guard let node = value(f, "sync", required: false),
            let sf = fields(node, of: "sync", allowed: ["interval", "policy", "read_only"])
        else { return nil }
        var sync = RepositorySync()
        if let text = string(sf, "interval", required: false), let at = sf.node("interval") {
            if let seconds = RepositorySync.parseInterval(text), seconds >= 60 {
                sync.intervalSeconds = seconds
            } else {
                report(at, "'interval' must be a duration of at least 1m like 30m, 6h or 1d, found '\(text)'")
            }
        }
        if let text = string(sf, "policy", required: false), let at = sf.node("policy") {
            if let policy = RepositorySync.Policy(rawValue: text) {
                sync.policy = policy
            } else {
                let known = RepositorySync.Policy.allCases.map(\.rawValue).joined(separator: ", ")
                report(at, "'policy' must be one of \(known), found '\(text)'")
            }
        }
        sync.readOnly = bool(sf, "read_only", default: false)
        if sync.readOnly && !production {
            report(
                sf.node("read_only") ?? node, "'read_only' is for production repositories; this one is not production")
        } else if production && !sync.readOnly {
            report(
                node,
                "a production repository is synced from upstream only read-only: add 'read_only: true' to 'sync'")
        }
        return sync
    }
}
