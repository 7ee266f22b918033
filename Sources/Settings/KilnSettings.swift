import Artifacts
import Server
import Store

/// Every setting of Kiln, read from the environment and validated once, at startup, by the
/// `kiln` executable; the library modules receive the values (``server``, ``webhooks``,
/// ``artifactStore(home:)``, ``database``, ``reconcileInterval``) and never read the environment.
///
///     let settings = try KilnSettings(environment: ProcessInfo.processInfo.environment)
///
/// Each variable has one name, one default and one parser (``KilnSettings/variables``); an
/// unset or empty variable takes its default, any other value must parse or the whole read
/// fails with a ``SettingsError`` naming the variable and the value. README.md's settings table
/// lists the same names and defaults (a test compares them).
package struct KilnSettings: Sendable, Equatable {
    /// Kiln's home folder when neither `--home` nor `KILN_HOME` says otherwise.
    package static let defaultHome = "./.kiln"

    /// Where the embedded PostgreSQL, the local artifact store and the JWT secret live (`KILN_HOME`).
    package var home: String
    /// An external PostgreSQL (`KILN_DATABASE_URL`); nil: the embedded cluster under `<home>/postgres`.
    package var database: DatabaseConfig?
    /// A Pulp 3 server's API URL (`KILN_PULP_URL`); nil: the local store under `<home>/artifacts`.
    package var pulpURL: String?
    /// Pulp's user (`KILN_PULP_USER`).
    package var pulpUser: String
    /// Pulp's password (`KILN_PULP_PASSWORD`).
    package var pulpPassword: String
    /// The HS256 token secret (`KILN_JWT_SECRET`); nil: generated once into `<home>/jwt-secret`.
    package var jwtSecret: [UInt8]?
    /// A started task whose node has not pinged for this long goes back to the queue (`KILN_NODE_TIMEOUT`).
    package var nodeTimeout: Duration
    /// Claims a build task may use before it fails for good (`KILN_MAX_TASK_ATTEMPTS`).
    package var maxTaskAttempts: Int
    /// Prefix of per-build artifact-store repositories (`KILN_BUILD_REPOSITORY_PREFIX`).
    package var buildRepositoryPrefix: String
    /// A started sign task not completed for this long goes back to idle (`KILN_SIGN_TIMEOUT`).
    package var signTimeout: Duration
    /// Most packages one sign task holds; a larger build is split (`KILN_SIGN_BATCH`).
    package var signBatch: Int
    /// Most test tasks one pull hands out (`KILN_TEST_BATCH`).
    package var testBatch: Int
    /// A started test task with no result after this goes back to the queue (`KILN_TEST_TIMEOUT`).
    package var testTimeout: Duration
    /// Time between reconcile runs (`KILN_RECONCILE_INTERVAL`).
    package var reconcileInterval: Duration
    /// Testing only: the release-commit checkpoint at which `kiln` kills itself with SIGKILL
    /// (`KILN_FAULT_KILL_AT`: `journal-written`, `repository-done`, `before-finish`, `revert-started`).
    package var faultKillAt: String?
    /// The push webhooks' HMAC-SHA256 secret (`KILN_WEBHOOK_SECRET`); nil: webhooks answer 503.
    package var webhookSecret: [UInt8]?
    /// Request limits and timeouts (`KILN_MAX_BODY_SIZE`, `KILN_MAX_BUILD_TASKS`, `KILN_MAX_NODE_ARCHES`,
    /// `KILN_MAX_BUILD_ARTIFACTS`, `KILN_MAX_LIST_ITEMS`, `KILN_STATEMENT_TIMEOUT`, `KILN_HTTP_IDLE_TIMEOUT`).
    package var limits: RequestLimits
    /// URL schemes desired-state repositories may use (`KILN_REPOSITORY_URL_SCHEMES`), lowercase.
    package var repositoryURLSchemes: Set<String>
    /// Earlier JWT secrets that still verify the tokens they signed (`KILN_JWT_PREVIOUS_SECRETS`).
    package var jwtPreviousSecrets: [[UInt8]]
    /// Default token lifetimes per scope (`KILN_TOKEN_LIFETIME_*`).
    package var tokenLifetimes: TokenLifetimes
    /// Full reload interval of the revocation set (`KILN_REVOCATION_RELOAD`).
    package var revocationReload: Duration
    /// GitHub login (`KILN_GITHUB_*`).
    package var githubClientID: String?
    package var githubClientSecret: String
    package var githubURL: String
    package var githubAPIURL: String
    package var githubCallbackURL: String?
    /// OpenID Connect login (`KILN_OIDC_*`).
    package var oidcIssuer: String?
    package var oidcClientID: String?
    package var oidcClientSecret: String
    package var oidcCallbackURL: String?
    package var oidcScopes: [String]
    /// How long a started login may take (`KILN_LOGIN_TIMEOUT`).
    package var loginTimeout: Duration
    /// The projects listing (`KILN_GITEA_URL`, `KILN_GITEA_RPMS_ORG`, `KILN_GITEA_MODULES_ORG`, `KILN_PROJECTS_TTL`).
    package var projects: ProjectSettings
    /// The local Pulp install's virtualenv, for `kiln bench reconcile --pulp-seed` (`PULP_VENV`).
    package var pulpVirtualenv: String
    /// The local Pulp install's settings file, for `kiln bench reconcile --pulp-seed` (`PULP_SETTINGS`).
    package var pulpSettingsFile: String

    /// Every setting at its default.
    package static let defaults: KilnSettings = {
        do { return try KilnSettings(environment: [:]) } catch { preconditionFailure("defaults must parse: \(error)") }
    }()

    /// Reads and validates every setting from `environment`; throws the first invalid one.
    package init(environment: [String: String]) throws(SettingsError) {
        home = try Variables.home.read(from: environment)
        database = try Variables.databaseURL.read(from: environment)
        pulpURL = try Variables.pulpURL.read(from: environment)
        pulpUser = try Variables.pulpUser.read(from: environment)
        pulpPassword = try Variables.pulpPassword.read(from: environment)
        jwtSecret = try Variables.jwtSecret.read(from: environment)
        nodeTimeout = try Variables.nodeTimeout.read(from: environment)
        maxTaskAttempts = try Variables.maxTaskAttempts.read(from: environment)
        buildRepositoryPrefix = try Variables.buildRepositoryPrefix.read(from: environment)
        signTimeout = try Variables.signTimeout.read(from: environment)
        signBatch = try Variables.signBatch.read(from: environment)
        testBatch = try Variables.testBatch.read(from: environment)
        testTimeout = try Variables.testTimeout.read(from: environment)
        reconcileInterval = try Variables.reconcileInterval.read(from: environment)
        faultKillAt = try Variables.faultKillAt.read(from: environment)
        webhookSecret = try Variables.webhookSecret.read(from: environment)
        limits = RequestLimits(
            maxBodySize: try Variables.maxBodySize.read(from: environment),
            maxBuildTasks: try Variables.maxBuildTasks.read(from: environment),
            maxNodeArches: try Variables.maxNodeArches.read(from: environment),
            maxBuildArtifacts: try Variables.maxBuildArtifacts.read(from: environment),
            maxListItems: try Variables.maxListItems.read(from: environment),
            statementTimeout: try Variables.statementTimeout.read(from: environment),
            idleTimeout: try Variables.httpIdleTimeout.read(from: environment))
        repositoryURLSchemes = try Variables.repositoryURLSchemes.read(from: environment)
        jwtPreviousSecrets = try Variables.jwtPreviousSecrets.read(from: environment)
        tokenLifetimes = TokenLifetimes(
            user: try Variables.tokenLifetimeUser.read(from: environment),
            admin: try Variables.tokenLifetimeAdmin.read(from: environment),
            node: try Variables.tokenLifetimeNode.read(from: environment),
            signNode: try Variables.tokenLifetimeSignNode.read(from: environment),
            testSystem: try Variables.tokenLifetimeTestSystem.read(from: environment))
        revocationReload = try Variables.revocationReload.read(from: environment)
        githubClientID = try Variables.githubClientID.read(from: environment)
        githubClientSecret = try Variables.githubClientSecret.read(from: environment)
        githubURL = try Variables.githubURL.read(from: environment)
        githubAPIURL = try Variables.githubAPIURL.read(from: environment)
        githubCallbackURL = try Variables.githubCallbackURL.read(from: environment)
        oidcIssuer = try Variables.oidcIssuer.read(from: environment)
        oidcClientID = try Variables.oidcClientID.read(from: environment)
        oidcClientSecret = try Variables.oidcClientSecret.read(from: environment)
        oidcCallbackURL = try Variables.oidcCallbackURL.read(from: environment)
        oidcScopes = try Variables.oidcScopes.read(from: environment)
        loginTimeout = try Variables.loginTimeout.read(from: environment)
        projects = ProjectSettings(
            giteaURL: try Variables.giteaURL.read(from: environment),
            rpmsOrganization: try Variables.giteaRPMsOrganization.read(from: environment),
            modulesOrganization: try Variables.giteaModulesOrganization.read(from: environment),
            ttl: try Variables.projectsTTL.read(from: environment))
        pulpVirtualenv = try Variables.pulpVirtualenv.read(from: environment)
        pulpSettingsFile = try Variables.pulpSettingsFile.read(from: environment)
    }

    /// Every variable, in README order: name, documented default, example value.
    package static let variables: [any SettingDescription] = [
        Variables.home, Variables.databaseURL, Variables.pulpURL, Variables.pulpUser, Variables.pulpPassword,
        Variables.jwtSecret, Variables.nodeTimeout, Variables.maxTaskAttempts, Variables.buildRepositoryPrefix,
        Variables.reconcileInterval, Variables.webhookSecret,
        Variables.signTimeout, Variables.signBatch,  // signing (issue 10)
        Variables.testBatch, Variables.testTimeout,  // testing (issue 11)
        Variables.faultKillAt,  // releases (issue 13), tests only
        // Request limits and timeouts (issue 8, hostile input).
        Variables.maxBodySize, Variables.maxBuildTasks, Variables.maxNodeArches, Variables.maxBuildArtifacts,
        Variables.maxListItems, Variables.statementTimeout, Variables.httpIdleTimeout,
        Variables.repositoryURLSchemes,  // desired state (issue 8)
        // Tokens and login (issue 14).
        Variables.jwtPreviousSecrets, Variables.tokenLifetimeUser, Variables.tokenLifetimeAdmin,
        Variables.tokenLifetimeNode, Variables.tokenLifetimeSignNode, Variables.tokenLifetimeTestSystem,
        Variables.revocationReload,
        Variables.githubClientID, Variables.githubClientSecret, Variables.githubURL, Variables.githubAPIURL,
        Variables.githubCallbackURL, Variables.oidcIssuer, Variables.oidcClientID, Variables.oidcClientSecret,
        Variables.oidcCallbackURL, Variables.oidcScopes, Variables.loginTimeout,
        // Projects (issue 14).
        Variables.giteaURL, Variables.giteaRPMsOrganization, Variables.giteaModulesOrganization,
        Variables.projectsTTL,
        Variables.pulpVirtualenv, Variables.pulpSettingsFile
    ]

    /// The HTTP server's and build workflow's tunables.
    package var server: ServerSettings {
        var server = ServerSettings(
            nodeTimeout: nodeTimeout, maxTaskAttempts: maxTaskAttempts,
            buildRepositoryPrefix: buildRepositoryPrefix, limits: limits,
            signing: SigningSettings(timeout: signTimeout, batchSize: signBatch),
            testing: TestingSettings(batchSize: testBatch, timeout: testTimeout))
        server.login = login
        server.projects = projects
        return server
    }

    /// The login providers that are fully configured (a provider missing its client id or, for
    /// OIDC, its issuer or callback URL is left out: its routes answer 404 naming what is missing).
    package var login: LoginSettings {
        var login = LoginSettings(attemptLifetime: loginTimeout)
        if let githubClientID {
            login.github = GitHubLoginSettings(
                clientID: githubClientID, clientSecret: githubClientSecret, webURL: githubURL, apiURL: githubAPIURL,
                callbackURL: githubCallbackURL)
        }
        if let oidcIssuer, let oidcClientID, let oidcCallbackURL {
            login.oidc = OIDCLoginSettings(
                issuer: oidcIssuer, clientID: oidcClientID, clientSecret: oidcClientSecret,
                callbackURL: oidcCallbackURL, scopes: oidcScopes)
        }
        return login
    }

    /// The JWT secrets: `current` (from `JWTSecret.load`) and `KILN_JWT_PREVIOUS_SECRETS`.
    package func signingKeys(current: [UInt8]) -> JWTSigningKeys {
        JWTSigningKeys(current: current, previous: jwtPreviousSecrets)
    }

    /// The push webhooks' settings (the branch is the reconcile loop's).
    package var webhooks: WebhookSettings {
        WebhookSettings(secret: webhookSecret)
    }

    /// The artifact store: Pulp when `KILN_PULP_URL` is set, else the local store under `home`
    /// (the effective home: `--home` overrides `KILN_HOME`).
    package func artifactStore(home: String) -> ArtifactStoreConfig {
        if let pulpURL {
            return .pulp(url: pulpURL, username: pulpUser, password: pulpPassword)
        }
        return .local(home: home)
    }
}
