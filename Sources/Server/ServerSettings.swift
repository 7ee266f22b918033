/// Tunables of the HTTP server and the build workflow. `kiln serve` fills them in from
/// `KilnSettings` (module `Settings`); this module never reads the environment.
package struct ServerSettings: Sendable, Equatable {
    /// A started task whose node has not pinged for this long goes back to idle (`KILN_NODE_TIMEOUT`).
    package var nodeTimeout: Duration
    /// Claims a task may use before it fails for good (`KILN_MAX_TASK_ATTEMPTS`).
    package var maxTaskAttempts: Int
    /// How often the stale-task sweeper runs.
    package var sweepInterval: Duration
    /// Default page size of `GET /api/v1/builds/`.
    package var buildsPageSize: Int
    /// Prefix of per-build artifact-store repository names (`<prefix>-<build>-<platform>-<arch>-<kind>`);
    /// distinct Kiln installations sharing one Pulp need distinct prefixes (`KILN_BUILD_REPOSITORY_PREFIX`).
    package var buildRepositoryPrefix: String
    /// Request limits and timeouts (issue 8: body size, build size, arches, artifacts, list
    /// items, statement and connection timeouts).
    package var limits: RequestLimits
    /// The artifact-import queue behind `build_done` (workers, leases, back-off).
    package var imports: ImportSettings = ImportSettings()
    /// Sign tasks: lease timeout, batch size, verification workers.
    package var signing: SigningSettings
    /// Test tasks: batch size, timeout.
    package var testing: TestingSettings
    /// GitHub and OIDC login (issue 14).
    package var login: LoginSettings = LoginSettings()
    /// The forge organizations the projects routes list (issue 14).
    package var projects: ProjectSettings = ProjectSettings()

    /// The default of `nodeTimeout`.
    package static let defaultNodeTimeout: Duration = .seconds(90)
    /// The default of `maxTaskAttempts`.
    package static let defaultMaxTaskAttempts = 3
    /// The default of `buildRepositoryPrefix`.
    package static let defaultBuildRepositoryPrefix = "kiln-build"

    package init(
        nodeTimeout: Duration = ServerSettings.defaultNodeTimeout,
        maxTaskAttempts: Int = ServerSettings.defaultMaxTaskAttempts,
        sweepInterval: Duration? = nil,
        buildsPageSize: Int = 10,
        buildRepositoryPrefix: String = ServerSettings.defaultBuildRepositoryPrefix,
        limits: RequestLimits = RequestLimits(),
        signing: SigningSettings = SigningSettings(),
        testing: TestingSettings = TestingSettings()
    ) {
        self.nodeTimeout = nodeTimeout
        self.maxTaskAttempts = maxTaskAttempts
        self.sweepInterval = sweepInterval ?? min(.seconds(10), nodeTimeout / 3)
        self.buildsPageSize = buildsPageSize
        self.buildRepositoryPrefix = buildRepositoryPrefix
        self.limits = limits
        self.signing = signing
        self.testing = testing
    }
}

extension Duration {
    /// The duration in (fractional) seconds.
    var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
