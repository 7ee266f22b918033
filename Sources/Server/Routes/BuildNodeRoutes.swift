import Hummingbird

/// `/api/v1/build_node`: the ALBS build-node protocol (`ping`, `get_task`, `build_done`; node token).
func addBuildNodeRoutes(to node: RouterGroup<KilnRequestContext>, dependencies: ServerDependencies) {
}
