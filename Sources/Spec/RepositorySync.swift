/// How a repository with an upstream `url` is synced into the artifact store (`sync:` of a
/// repository): every `intervalSeconds`, with Pulp's remote download `policy`. `readOnly`
/// opts a production repository (e.g. of a reference platform) in: it gets a remote and is
/// synced, and Kiln never pushes release content into it.
///
///     sync: {interval: 6h, policy: on_demand}
///     sync: {interval: 1d, read_only: true}      # a production repository
package struct RepositorySync: Sendable, Hashable, Codable {
    /// Pulp's remote `policy`: download everything at sync, or only metadata.
    package enum Policy: String, Sendable, Hashable, Codable, CaseIterable {
        case immediate
        case onDemand = "on_demand"
        case streamed
    }

    /// The schedule when `sync:` is absent or names no interval: 6 hours.
    package static let defaultIntervalSeconds = 6 * 3600
    /// The values of a repository that declares no `sync:`.
    package static let `default` = RepositorySync()

    /// Seconds between two syncs (at least 60).
    package var intervalSeconds: Int
    package var policy: Policy
    /// A production repository synced from upstream; Kiln releases nothing into it.
    package var readOnly: Bool

    enum CodingKeys: String, CodingKey {
        case intervalSeconds = "interval_seconds"
        case policy
        case readOnly = "read_only"
    }

    package init(intervalSeconds: Int = defaultIntervalSeconds, policy: Policy = .onDemand, readOnly: Bool = false) {
        self.intervalSeconds = intervalSeconds
        self.policy = policy
        self.readOnly = readOnly
    }

    /// `30m`, `6h`, `1d`, `90s` as seconds; nil for anything else.
    package static func parseInterval(_ text: String) -> Int? {
        guard let unit = text.last, let n = Int(text.dropLast()), n > 0 else { return nil }
        let scale: Int
        switch unit {
        case "s": scale = 1
        case "m": scale = 60
        case "h": scale = 3600
        case "d": scale = 86400
        default: return nil
        }
        let (value, overflow) = n.multipliedReportingOverflow(by: scale)
        return overflow ? nil : value
    }

    /// The interval as the shortest exact text: `6h`, `90m`, `1d`, `45s`.
    package static func formatInterval(_ seconds: Int) -> String {
        for (unit, scale) in [("d", 86400), ("h", 3600), ("m", 60)] where seconds % scale == 0 && seconds > 0 {
            return "\(seconds / scale)\(unit)"
        }
        return "\(seconds)s"
    }
}
