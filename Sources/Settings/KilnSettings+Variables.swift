import Server
import Store

extension KilnSettings {
    /// The declaration of every variable: name, default, README default, example and parser.
    enum Variables {
        static let home = Setting<String>(
            "KILN_HOME", default: KilnSettings.defaultHome, documented: "`./.kiln`", example: "/srv/kiln",
            parse: SettingParsers.text)
        static let databaseURL = Setting<DatabaseConfig?>(
            "KILN_DATABASE_URL", default: nil, documented: "embedded cluster under `$KILN_HOME/postgres`",
            example: "postgres://kiln:secret@db:5432/kiln", display: { DatabaseConfigError.redact($0) },
            parse: { raw in
                do { return try DatabaseConfig(url: raw) } catch let error as DatabaseConfigError {
                    throw InvalidValue(reason: error.reason)
                }
            })
        static let pulpURL = Setting<String?>(
            "KILN_PULP_URL", default: nil, documented: "local store under `$KILN_HOME/artifacts`",
            example: "http://pulp:24817", parse: SettingParsers.httpURL)
        static let pulpUser = Setting<String>(
            "KILN_PULP_USER", default: "admin", documented: "`admin`", example: "kiln", parse: SettingParsers.text)
        static let pulpPassword = Setting<String>(
            "KILN_PULP_PASSWORD", default: "", documented: "empty", example: "password", isSecret: true,
            parse: SettingParsers.text)
        static let jwtSecret = Setting<[UInt8]?>(
            "KILN_JWT_SECRET", default: nil, documented: "generated once into `$KILN_HOME/jwt-secret`",
            example: String(repeating: "k", count: JWTSecret.minimumLength), isSecret: true,
            parse: SettingParsers.secret(minimumLength: JWTSecret.minimumLength))
        static let nodeTimeout = Setting<Duration>(
            "KILN_NODE_TIMEOUT", default: ServerSettings.defaultNodeTimeout, documented: "90",
            example: "2m", parse: SettingParsers.duration)
        static let maxTaskAttempts = Setting<Int>(
            "KILN_MAX_TASK_ATTEMPTS", default: ServerSettings.defaultMaxTaskAttempts, documented: "3",
            example: "5", parse: SettingParsers.positiveInteger)
        static let buildRepositoryPrefix = Setting<String>(
            "KILN_BUILD_REPOSITORY_PREFIX", default: ServerSettings.defaultBuildRepositoryPrefix,
            documented: "`kiln-build`", example: "kiln-staging", parse: SettingParsers.name)
        // Signing (issue 10).
        static let signTimeout = Setting<Duration>(
            "KILN_SIGN_TIMEOUT", default: SigningSettings.defaultTimeout, documented: "600", example: "15m",
            parse: SettingParsers.duration)
        static let signBatch = Setting<Int>(
            "KILN_SIGN_BATCH", default: SigningSettings.defaultBatchSize, documented: "500", example: "200",
            parse: SettingParsers.positiveInteger)
        // Testing (issue 11).
        static let testBatch = Setting<Int>(
            "KILN_TEST_BATCH", default: TestingSettings.defaultBatchSize, documented: "100", example: "20",
            parse: SettingParsers.positiveInteger)
        static let testTimeout = Setting<Duration>(
            "KILN_TEST_TIMEOUT", default: TestingSettings.defaultTimeout, documented: "21600", example: "2h",
            parse: SettingParsers.duration)
        // Releases (issue 13): the SIGKILL tests of a release commit.
        static let faultKillAt = Setting<String?>(
            "KILN_FAULT_KILL_AT", default: nil, documented: "unset", example: "journal-written"
        ) { raw in try SettingParsers.text(raw) }
        static let reconcileInterval = Setting<Duration>(
            "KILN_RECONCILE_INTERVAL", default: .seconds(60), documented: "60", example: "5m",
            parse: SettingParsers.duration)
        static let webhookSecret = Setting<[UInt8]?>(
            "KILN_WEBHOOK_SECRET", default: nil, documented: "unset: webhooks answer 503", example: "hook-secret",
            isSecret: true
        ) { raw in Array(raw.utf8) }
        // Request limits and timeouts (issue 8, hostile input: Server/RequestLimits).
        static let maxBodySize = Setting<Int>(
            "KILN_MAX_BODY_SIZE", default: RequestLimits.defaultMaxBodySize, documented: "8388608",
            example: "1048576", parse: SettingParsers.positiveInteger)
        static let maxBuildTasks = Setting<Int>(
            "KILN_MAX_BUILD_TASKS", default: RequestLimits.defaultMaxBuildTasks, documented: "10000",
            example: "500", parse: SettingParsers.positiveInteger)
        static let maxNodeArches = Setting<Int>(
            "KILN_MAX_NODE_ARCHES", default: RequestLimits.defaultMaxNodeArches, documented: "32",
            example: "8", parse: SettingParsers.positiveInteger)
        static let maxBuildArtifacts = Setting<Int>(
            "KILN_MAX_BUILD_ARTIFACTS", default: RequestLimits.defaultMaxBuildArtifacts, documented: "5000",
            example: "1000", parse: SettingParsers.positiveInteger)
        static let maxListItems = Setting<Int>(
            "KILN_MAX_LIST_ITEMS", default: RequestLimits.defaultMaxListItems, documented: "1000",
            example: "200", parse: SettingParsers.positiveInteger)
        static let statementTimeout = Setting<Duration>(
            "KILN_STATEMENT_TIMEOUT", default: RequestLimits.defaultStatementTimeout, documented: "30",
            example: "2m", parse: SettingParsers.duration)
        static let httpIdleTimeout = Setting<Duration>(
            "KILN_HTTP_IDLE_TIMEOUT", default: RequestLimits.defaultIdleTimeout, documented: "30",
            example: "10s", parse: SettingParsers.duration)
        // Desired state (issue 8, untrusted input): URL schemes repositories may use.
        static let repositoryURLSchemes = Setting<Set<String>>(
            "KILN_REPOSITORY_URL_SCHEMES", default: ["http", "https"], documented: "`http,https`",
            example: "http,https,ftp",
            parse: SettingParsers.urlSchemes)
        static let pulpVirtualenv = Setting<String>(
            "PULP_VENV", default: "/tmp/pulp-venv", documented: "`/tmp/pulp-venv`", example: "/opt/pulp",
            parse: SettingParsers.text)
        static let pulpSettingsFile = Setting<String>(
            "PULP_SETTINGS", default: "/tmp/pulp-local/etc/settings.py",
            documented: "`/tmp/pulp-local/etc/settings.py`",
            example: "/etc/pulp/settings.py", parse: SettingParsers.text)
    }
}
