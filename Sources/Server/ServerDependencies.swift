import Logging
import PostgresNIO
import Artifacts
import Reconciler
import Store

/// Everything the HTTP server needs, built once by `kiln serve` (or a test) and passed to
/// `KilnServer.makeApplication`. Route files read what they need from it.
public struct ServerDependencies: Sendable {
    /// The PostgreSQL pool; its `run()` must already be running in a task group.
    public var database: PostgresClient
    /// Where build artifacts live: Pulp or the local filesystem store.
    public var artifactStore: any ArtifactStore
    /// Signs and verifies bearer tokens.
    public var tokens: TokenAuthority
    public var settings: ServerSettings
    public var logger: Logger
    /// Where the reconcile loop reads desired state from (nil: no loop, `kiln serve` without `--repo`).
    public var desiredStateSource: DesiredStateSource?
    /// The reconcile loop behind `POST /api/v1/reconcile` and the push webhooks (nil: 503 there).
    public var reconcileLoop: ReconcileLoop? = nil
    /// The time task leases are stamped with and the stale-task sweep compares against
    /// (tests pass a clock they move by hand).
    public var leaseClock: any LeaseClock = SystemLeaseClock()
    /// Push-webhook secret and branch (`KILN_WEBHOOK_SECRET`).
    public var webhooks: WebhookSettings = WebhookSettings()

    public init(
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
