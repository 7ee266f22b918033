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
        // Tokens (issue 14): rotation, default lifetimes, the revocation set's fallback reload.
        static let jwtPreviousSecrets = Setting<[[UInt8]]>(
            "KILN_JWT_PREVIOUS_SECRETS", default: [], documented: "none",
            example: String(repeating: "p", count: JWTSecret.minimumLength), isSecret: true,
            parse: SettingParsers.secretList(minimumLength: JWTSecret.minimumLength))
        static let tokenLifetimeUser = Setting<Duration>(
            "KILN_TOKEN_LIFETIME_USER", default: TokenLifetimes.defaults.user, documented: "`7d`", example: "12h",
            parse: SettingParsers.duration)
        static let tokenLifetimeAdmin = Setting<Duration>(
            "KILN_TOKEN_LIFETIME_ADMIN", default: TokenLifetimes.defaults.admin, documented: "`1d`", example: "2h",
            parse: SettingParsers.duration)
        static let tokenLifetimeNode = Setting<Duration>(
            "KILN_TOKEN_LIFETIME_NODE", default: TokenLifetimes.defaults.node, documented: "`365d`", example: "30d",
            parse: SettingParsers.duration)
        static let tokenLifetimeSignNode = Setting<Duration>(
            "KILN_TOKEN_LIFETIME_SIGN_NODE", default: TokenLifetimes.defaults.signNode, documented: "`365d`",
            example: "30d", parse: SettingParsers.duration)
        static let tokenLifetimeTestSystem = Setting<Duration>(
            "KILN_TOKEN_LIFETIME_TEST_SYSTEM", default: TokenLifetimes.defaults.testSystem, documented: "`365d`",
            example: "30d", parse: SettingParsers.duration)
        static let revocationReload = Setting<Duration>(
            "KILN_REVOCATION_RELOAD", default: RevocationWatcher.defaultReloadInterval, documented: "60",
            example: "15s", parse: SettingParsers.duration)
        // Login (issue 14): GitHub OAuth and an OpenID Connect provider.
        static let githubClientID = Setting<String?>(
            "KILN_GITHUB_CLIENT_ID", default: nil, documented: "unset: GitHub login answers 404",
            example: "Iv1.0123456789abcdef"
        ) { raw in try SettingParsers.text(raw) }
        static let githubClientSecret = Setting<String>(
            "KILN_GITHUB_CLIENT_SECRET", default: "", documented: "empty", example: "github-secret", isSecret: true,
            parse: SettingParsers.text)
        static let githubURL = Setting<String>(
            "KILN_GITHUB_URL", default: GitHubLoginSettings.defaultWebURL, documented: "`https://github.com`",
            example: "https://github.example.org", parse: SettingParsers.httpURL)
        static let githubAPIURL = Setting<String>(
            "KILN_GITHUB_API_URL", default: GitHubLoginSettings.defaultAPIURL, documented: "`https://api.github.com`",
            example: "https://github.example.org/api/v3", parse: SettingParsers.httpURL)
        static let githubCallbackURL = Setting<String?>(
            "KILN_GITHUB_CALLBACK_URL", default: nil, documented: "unset: the OAuth app's callback URL",
            example: "https://kiln.example.org/api/v1/auth/github/callback", parse: SettingParsers.httpURL)
        static let oidcIssuer = Setting<String?>(
            "KILN_OIDC_ISSUER", default: nil, documented: "unset: OIDC login answers 404",
            example: "https://id.almalinux.org/realms/master", parse: SettingParsers.httpURL)
        static let oidcClientID = Setting<String?>(
            "KILN_OIDC_CLIENT_ID", default: nil, documented: "unset", example: "kiln"
        ) { raw in try SettingParsers.text(raw) }
        static let oidcClientSecret = Setting<String>(
            "KILN_OIDC_CLIENT_SECRET", default: "", documented: "empty", example: "oidc-secret", isSecret: true,
            parse: SettingParsers.text)
        static let oidcCallbackURL = Setting<String?>(
            "KILN_OIDC_CALLBACK_URL", default: nil, documented: "unset",
            example: "https://kiln.example.org/api/v1/auth/almalinux/callback", parse: SettingParsers.httpURL)
        static let oidcScopes = Setting<[String]>(
            "KILN_OIDC_SCOPES", default: OIDCLoginSettings.defaultScopes, documented: "`openid profile email`",
            example: "openid profile", parse: SettingParsers.words)
        static let loginTimeout = Setting<Duration>(
            "KILN_LOGIN_TIMEOUT", default: LoginSettings.defaultAttemptLifetime, documented: "600", example: "5m",
            parse: SettingParsers.duration)
        // Projects (issue 14): the Gitea organizations behind /api/v1/projects/alma.
        static let giteaURL = Setting<String?>(
            "KILN_GITEA_URL", default: nil, documented: "unset: the project lists are empty",
            example: "https://git.almalinux.org", parse: SettingParsers.httpURL)
        static let giteaRPMsOrganization = Setting<String>(
            "KILN_GITEA_RPMS_ORG", default: ProjectSettings.defaultRPMsOrganization, documented: "`rpms`",
            example: "packages", parse: SettingParsers.name)
        static let giteaModulesOrganization = Setting<String>(
            "KILN_GITEA_MODULES_ORG", default: ProjectSettings.defaultModulesOrganization, documented: "`modules`",
            example: "modularity", parse: SettingParsers.name)
        static let projectsTTL = Setting<Duration>(
            "KILN_PROJECTS_TTL", default: ProjectSettings.defaultTTL, documented: "600", example: "15m",
            parse: SettingParsers.duration)
    }
}
