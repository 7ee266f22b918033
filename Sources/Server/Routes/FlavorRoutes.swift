import Hummingbird
import Store

/// `/api/v1/platform_flavors`: `GET /` is public (like platforms) and lists the flavors with
/// their repositories. Flavors are written through git (`flavors/*.yml`) only.
func addFlavorRoutes(to flavors: RouterGroup<KilnRequestContext>, queries: DesiredStateQueries) {
    flavors.get("/") { _, _ -> [FlavorAnswer] in
        try await queries.flavors().map(FlavorAnswer.init)
    }
}
