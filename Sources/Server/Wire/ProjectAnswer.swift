import Store

/// One repository of `GET /api/v1/projects/alma` (ALBS's `Project`).
package struct ProjectAnswer: Codable, Sendable, Equatable {
    package var name: String
    package var cloneURL: String
    package var tags: [String]
    package var branches: [String]

    package init(_ project: ForgeProject) {
        self.name = project.name
        self.cloneURL = project.cloneURL
        self.tags = project.tags
        self.branches = project.branches
    }

    enum CodingKeys: String, CodingKey {
        case name, tags, branches
        case cloneURL = "clone_url"
    }
}
