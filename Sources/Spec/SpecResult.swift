/// What `SpecLoader.load` found: the desired state and every problem.
///
/// ```swift
/// let result = SpecLoader.load(files)
/// if result.isValid { print(result.counts) } else { result.diagnostics.forEach { print($0) } }
/// ```
/// `state` is only trustworthy when `diagnostics` is empty: objects missing required fields
/// are left out of it.
package struct SpecResult: Sendable, Hashable, Codable {
    /// Objects sorted by name.
    package var state: DesiredState
    /// Sorted by file, line, column.
    package var diagnostics: [Diagnostic]
    /// Objects per kind in `state`.
    package var counts: SpecCounts
    /// Desired-state files read (YAML files under the kind folders).
    package var fileCount: Int

    package init(state: DesiredState, diagnostics: [Diagnostic], counts: SpecCounts, fileCount: Int) {
        self.state = state
        self.diagnostics = diagnostics
        self.counts = counts
        self.fileCount = fileCount
    }

    /// `true` when there is no diagnostic.
    package var isValid: Bool { diagnostics.isEmpty }
}

/// Objects per kind. JSON keys: `platforms`, `distributions`, `repositories`, `sign_keys`, `releases`,
/// `flavors`, `retired`, `teams`.
package struct SpecCounts: Sendable, Hashable, Codable {
    package var platforms: Int
    package var distributions: Int
    package var repositories: Int
    package var signKeys: Int
    package var releases: Int
    package var flavors: Int
    /// Retired store repositories listed.
    package var retired: Int
    package var teams: Int

    package init(
        platforms: Int = 0, distributions: Int = 0, repositories: Int = 0,
        signKeys: Int = 0, releases: Int = 0, flavors: Int = 0, retired: Int = 0,
        teams: Int = 0
    ) {
        self.retired = retired
        self.teams = teams
        self.platforms = platforms
        self.distributions = distributions
        self.repositories = repositories
        self.signKeys = signKeys
        self.releases = releases
        self.flavors = flavors
    }

    /// Counts of a desired state.
    package init(_ state: DesiredState) {
        self.init(
            platforms: state.platforms.count, distributions: state.distributions.count,
            repositories: state.repositories.count, signKeys: state.signKeys.count,
            releases: state.releases.count, flavors: state.flavors.count, retired: state.retired.count,
            teams: state.teams.count)
    }

    /// The count for one kind.
    package subscript(kind: SpecKind) -> Int {
        switch kind {
        case .platform: platforms
        case .distribution: distributions
        case .repository: repositories
        case .signKey: signKeys
        case .release: releases
        case .flavor: flavors
        case .retired: retired
        case .team: teams
        }
    }

    /// All objects.
    package var total: Int {
        platforms + distributions + repositories + signKeys + releases + flavors + retired + teams
    }

    /// `(folder name, count)` in a fixed order, for printing: `platforms: 2`, `sign-keys: 2`, ...
    package var entries: [(kind: SpecKind, count: Int)] {
        SpecKind.allCases.map { ($0, self[$0]) }
    }

    private enum CodingKeys: String, CodingKey {
        case platforms, distributions, repositories
        case signKeys = "sign_keys"
        case releases, flavors, retired, teams
    }
}
