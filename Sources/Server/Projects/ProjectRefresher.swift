import Foundation
import Logging
import ServiceLifecycle
import Store

/// Keeps the cached projects listing fresh (a service of `kiln serve`): every few seconds it
/// claims each organization whose listing is older than `KILN_PROJECTS_TTL` (a lease in
/// `forge_project_refreshes`, so of several Kiln processes one reads it), reads it from Gitea
/// with no lock or transaction held, and stores it in one transaction. Tags and branches are read
/// only for repositories that are new or whose `updated_at` moved. Requests never wait for it.
package struct ProjectRefresher: Service {
    let dependencies: ServerDependencies
    /// How long a claim holds before another process may take over a refresh that died.
    static let lease: Duration = .seconds(600)
    /// Tag and branch reads in flight at once.
    static let parallelReads = 4

    package init(_ dependencies: ServerDependencies) {
        self.dependencies = dependencies
    }

    private var settings: ProjectSettings { dependencies.settings.projects }

    /// How often due organizations are looked for.
    var checkInterval: Duration { max(.seconds(1), min(.seconds(30), settings.ttl / 4)) }

    package func run() async throws {
        guard settings.giteaURL != nil else {
            try? await gracefulShutdown()  // nothing to refresh; a service must not end before the group
            return
        }
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await refreshDue()
                try? await Task.sleep(for: checkInterval)
            }
        }
    }

    /// Refreshes every organization that is due and not claimed elsewhere; returns those refreshed.
    @discardableResult
    package func refreshDue() async -> [String] {
        guard let url = settings.giteaURL else { return [] }
        let gitea = GiteaClient(baseURL: url)
        var refreshed: [String] = []
        for organization in [settings.rpmsOrganization, settings.modulesOrganization] {
            let store = ForgeProjectStore(client: dependencies.currentDatabase, logger: dependencies.logger)
            do {
                guard try await store.claimRefresh(of: organization, ttl: settings.ttl, lease: Self.lease) else {
                    continue
                }
            } catch {
                dependencies.logger.warning("projects: cannot claim \(organization): \(error)")
                continue
            }
            do {
                let projects = try await read(organization, from: gitea, cached: store.projects(of: organization))
                try await store.store(projects, of: organization)
                refreshed.append(organization)
            } catch {
                dependencies.logger.warning("projects: refreshing \(organization) failed: \(error)")
                try? await store.recordFailure(of: organization, error: "\(error)")
            }
        }
        return refreshed
    }

    private func read(
        _ organization: String, from gitea: GiteaClient, cached: [ForgeProject]
    ) async throws
        -> [ForgeProject]
    {
        let known = Dictionary(cached.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let repositories = try await gitea.repositories(of: organization).filter { $0.empty != true }
        var result: [ForgeProject] = []
        var stale: [GiteaClient.Repository] = []
        for repository in repositories {
            if let cachedProject = known[repository.name], cachedProject.updatedAt == (repository.updatedAt ?? ""),
                !cachedProject.updatedAt.isEmpty
            {
                var project = cachedProject
                project.cloneURL = repository.cloneURL
                result.append(project)
            } else {
                stale.append(repository)
            }
        }
        for start in stride(from: 0, to: stale.count, by: Self.parallelReads) {
            let batch = stale[start..<min(start + Self.parallelReads, stale.count)]
            try await withThrowingTaskGroup(of: ForgeProject.self) { group in
                for repository in batch {
                    group.addTask {
                        async let tags = gitea.tags(of: repository.fullName)
                        async let branches = gitea.branches(of: repository.fullName)
                        return ForgeProject(
                            name: repository.name, cloneURL: repository.cloneURL, tags: try await tags,
                            branches: try await branches, updatedAt: repository.updatedAt ?? "")
                    }
                }
                for try await project in group { result.append(project) }
            }
        }
        return result.sorted { $0.name < $1.name }
    }
}
