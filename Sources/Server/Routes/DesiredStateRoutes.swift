import Hummingbird

/// Registers the desired-state routes on the `/api/v1` group: platforms, distributions,
/// repositories, sign keys (reads), `POST reconcile`, reconcile runs and webhooks.
/// Owned and filled by the Reconciler side; `KilnServer.makeRouter` calls it once.
func addDesiredStateRoutes(to api: RouterGroup<KilnRequestContext>, dependencies: ServerDependencies) {
}
