/// The limits every request is checked against before any work (issue 8): answered 413 (body
/// size) or 422 with the limit and its setting named in `detail`, before any query runs.
/// `kiln serve` fills them from `KilnSettings`; tests lower them.
package struct RequestLimits: Sendable, Equatable {
    /// Largest request body read, in bytes (`KILN_MAX_BODY_SIZE`); larger answers 413.
    package var maxBodySize: Int
    /// Most build tasks (refs × platforms × arches) one `POST /api/v1/builds/` may create
    /// (`KILN_MAX_BUILD_TASKS`).
    package var maxBuildTasks: Int
    /// Most `supported_arches` one `get_task` may list (`KILN_MAX_NODE_ARCHES`).
    package var maxNodeArches: Int
    /// Most artifacts one `build_done` may report (`KILN_MAX_BUILD_ARTIFACTS`).
    package var maxBuildArtifacts: Int
    /// Most items one list answer holds (`KILN_MAX_LIST_ITEMS`): an unpaginated
    /// `GET /api/v1/builds/` with more builds answers 422 pointing at `pageNumber`.
    package var maxListItems: Int
    /// The longest any single PostgreSQL statement of a request transaction may run
    /// (`KILN_STATEMENT_TIMEOUT`); longer is cancelled and answered 503.
    package var statementTimeout: Duration
    /// A connection that completes no request head or body part, or stays idle between
    /// requests, for this long is closed (`KILN_HTTP_IDLE_TIMEOUT`): half-open clients are dropped.
    package var idleTimeout: Duration

    package static let defaultMaxBodySize = 8 * 1024 * 1024
    package static let defaultMaxBuildTasks = 10_000
    package static let defaultMaxNodeArches = 32
    package static let defaultMaxBuildArtifacts = 5_000
    package static let defaultMaxListItems = 1_000
    package static let defaultStatementTimeout: Duration = .seconds(30)
    package static let defaultIdleTimeout: Duration = .seconds(30)

    /// Most entries of the other arrays of a body (`active_tasks`, `excluded_packages`, `linked_builds`).
    static let maxArrayItems = 10_000
    /// Deepest JSON nesting a body may have (Kiln's bodies need 3 levels).
    static let maxJSONDepth = 32

    package init(
        maxBodySize: Int = RequestLimits.defaultMaxBodySize,
        maxBuildTasks: Int = RequestLimits.defaultMaxBuildTasks,
        maxNodeArches: Int = RequestLimits.defaultMaxNodeArches,
        maxBuildArtifacts: Int = RequestLimits.defaultMaxBuildArtifacts,
        maxListItems: Int = RequestLimits.defaultMaxListItems,
        statementTimeout: Duration = RequestLimits.defaultStatementTimeout,
        idleTimeout: Duration = RequestLimits.defaultIdleTimeout
    ) {
        self.maxBodySize = maxBodySize
        self.maxBuildTasks = maxBuildTasks
        self.maxNodeArches = maxNodeArches
        self.maxBuildArtifacts = maxBuildArtifacts
        self.maxListItems = maxListItems
        self.statementTimeout = statementTimeout
        self.idleTimeout = idleTimeout
    }
}
