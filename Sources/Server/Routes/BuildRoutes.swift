import Hummingbird

/// `/api/v1/builds`: create, list, read, restart-failed and remove builds (user token).
func addBuildRoutes(to builds: RouterGroup<KilnRequestContext>, dependencies: ServerDependencies) {
}
