/// The forge (Gitea) whose organizations `GET /api/v1/projects/alma` and `/alma/modularity`
/// list (`KILN_GITEA_*`, `KILN_PROJECTS_TTL`).
package struct ProjectSettings: Sendable, Equatable {
    /// Gitea's base URL (`https://git.almalinux.org`; the API is under `/api/v1`); nil: no
    /// refresh runs and both lists stay empty.
    package var giteaURL: String?
    /// The organization of package sources (`rpms`).
    package var rpmsOrganization: String
    /// The organization of module sources (`modules`).
    package var modulesOrganization: String
    /// How old a cached listing may get before the background refresh reads it again.
    package var ttl: Duration

    package static let defaultRPMsOrganization = "rpms"
    package static let defaultModulesOrganization = "modules"
    package static let defaultTTL: Duration = .seconds(600)

    package init(
        giteaURL: String? = nil, rpmsOrganization: String = ProjectSettings.defaultRPMsOrganization,
        modulesOrganization: String = ProjectSettings.defaultModulesOrganization,
        ttl: Duration = ProjectSettings.defaultTTL
    ) {
        self.giteaURL = giteaURL
        self.rpmsOrganization = rpmsOrganization
        self.modulesOrganization = modulesOrganization
        self.ttl = ttl
    }
}
