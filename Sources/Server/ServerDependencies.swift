import Artifacts
import Logging
import PostgresNIO
import Reconciler
import Store

/// Everything the HTTP server needs, built once by `kiln serve` (or a test) and passed to
/// `KilnServer.makeApplication`. Route files read what they need from it.
package struct ServerDependencies: Sendable {
    /// The PostgreSQL pool; its `run()` must already be running in a task group.
    package var database: PostgresClient
    /// Where build artifacts live: Pulp or the local filesystem store.
    package var artifactStore: any ArtifactStore
    /// Signs and verifies bearer tokens.
    package var tokens: TokenAuthority
    package var settings: ServerSettings
    package var logger: Logger
    /// Where the reconcile loop reads desired state from (nil: no loop, `kiln serve` without `--repo`).
    package var desiredStateSource: DesiredStateSource?
    /// The reconcile loop behind `POST /api/v1/reconcile` and the push webhooks (nil: 503 there).
    package var reconcileLoop: ReconcileLoop? = nil
    /// The time task leases are stamped with and the stale-task sweep compares against
    /// (tests pass a clock they move by hand).
    package var leaseClock: any LeaseClock = SystemLeaseClock()
    /// Push-webhook secret and branch (`KILN_WEBHOOK_SECRET`).
    package var webhooks: WebhookSettings = WebhookSettings()
    /// Watches PostgreSQL and replaces the pool after an outage (`kiln serve`; nil in most tests:
    /// `database` is then used as is). Requests answer 503 while it reports the database down.
    package var databaseSupervisor: DatabaseSupervisor? = nil
    /// Team roles and deactivated users, cached for the permission check (`PermissionMiddleware`);
    /// the reconcile engine's `afterApply` invalidates it.
    package var access = AccessDirectory()

    /// The pool to use now: the supervisor's current one, else `database`.
    package var currentDatabase: PostgresClient { databaseSupervisor?.client ?? database }

    package init(
        database: PostgresClient,
        artifactStore: any ArtifactStore,
        tokens: TokenAuthority,
        settings: ServerSettings = ServerSettings(),
        logger: Logger = Logger(label: "kiln.server"),
        desiredStateSource: DesiredStateSource? = nil
    ) {
        self.database = database
        self.artifactStore = artifactStore
        self.tokens = tokens
        self.settings = settings
        self.logger = logger
        self.desiredStateSource = desiredStateSource
    }
}
