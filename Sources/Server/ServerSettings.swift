import Foundation

/// Tunables of the HTTP server and the build workflow.
public struct ServerSettings: Sendable {
    /// A started task whose node has not pinged for this long goes back to idle (`KILN_NODE_TIMEOUT`, 90 s).
    public var nodeTimeout: Duration
    /// Claims a task may use before it fails for good (`KILN_MAX_TASK_ATTEMPTS`, 3).
    public var maxTaskAttempts: Int
    /// How often the stale-task sweeper runs.
    public var sweepInterval: Duration
    /// Default page size of `GET /api/v1/builds/`.
    public var buildsPageSize: Int
    /// Prefix of per-build artifact-store repository names (`<prefix>-<build>-<platform>-<arch>-<kind>`);
    /// distinct Kiln installations sharing one Pulp need distinct prefixes.
    public var buildRepositoryPrefix: String

    public init(
        nodeTimeout: Duration = .seconds(90),
        maxTaskAttempts: Int = 3,
        sweepInterval: Duration? = nil,
        buildsPageSize: Int = 10,
        buildRepositoryPrefix: String = "kiln-build"
    ) {
        self.nodeTimeout = nodeTimeout
        self.maxTaskAttempts = maxTaskAttempts
        self.sweepInterval = sweepInterval ?? min(.seconds(10), nodeTimeout / 3)
        self.buildsPageSize = buildsPageSize
        self.buildRepositoryPrefix = buildRepositoryPrefix
    }

    /// Settings from `KILN_NODE_TIMEOUT` (seconds) and `KILN_MAX_TASK_ATTEMPTS`.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ServerSettings {
        var settings = ServerSettings()
        if let raw = environment["KILN_NODE_TIMEOUT"] {
            guard let seconds = Double(raw), seconds > 0 else {
                throw SettingsError(description: "KILN_NODE_TIMEOUT must be a positive number of seconds, got '\(raw)'")
            }
            settings = ServerSettings(nodeTimeout: .milliseconds(Int64(seconds * 1000)))
        }
        if let raw = environment["KILN_MAX_TASK_ATTEMPTS"] {
            guard let attempts = Int(raw), attempts > 0 else {
                throw SettingsError(description: "KILN_MAX_TASK_ATTEMPTS must be a positive integer, got '\(raw)'")
            }
            settings.maxTaskAttempts = attempts
        }
        if let prefix = environment["KILN_BUILD_REPOSITORY_PREFIX"], !prefix.isEmpty {
            settings.buildRepositoryPrefix = prefix
        }
        return settings
    }

    public struct SettingsError: Error, CustomStringConvertible {
        public var description: String
    }
}

extension Duration {
    /// The duration in (fractional) seconds.
    var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
