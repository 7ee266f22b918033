import Yams

/// Objects read so far, in file order, with the checks that span files. Every lookup is a
/// dictionary: the whole load stays linear.
struct ParsedState {
    var platforms: [String: ParsedPlatform] = [:]
    var distributions: [String: ParsedDistribution] = [:]
    var repositories: [RepositoryKey: ParsedRepository] = [:]
    var signKeys: [String: ParsedSignKey] = [:]
    var keyids: [String: SourceLocation] = [:]
    var releases: [String: ParsedRelease] = [:]
    var flavors: [String: ParsedFlavor] = [:]
    var teams: [String: ParsedTeam] = [:]
    /// Retired store repositories by name, in file order.
    var retired: [String: RetiredStoreRepository] = [:]
    /// Platforms in file order (the order conflicts are reported in).
    var platformOrder: [String] = []
    var diagnostics: [Diagnostic] = []

    /// Adds one file's object; a second definition of a name is reported at its name,
    /// pointing at the first (files are added in path order).
    mutating func add(_ object: ParsedObject) {
        switch object {
        case .platform(let p):
            if let first = platforms[p.value.name] {
                duplicate(.platform, p.value.name, p.nameAt, first.nameAt)
                return
            }
            platforms[p.value.name] = p
            platformOrder.append(p.value.name)
        case .distribution(let d):
            if let first = distributions[d.value.name] {
                duplicate(.distribution, d.value.name, d.nameAt, first.nameAt)
                return
            }
            distributions[d.value.name] = d
        case .repository(let r):
            let key = r.value.key
            if let first = repositories[key] {
                diagnostics.append(
                    Diagnostic(
                        r.nameAt,
                        "repository '\(key.name)' (arch \(key.arch), debug \(key.debug)) "
                            + "is already defined at \(first.nameAt)"))
                return
            }
            repositories[key] = r
        case .signKey(let k):
            if let first = signKeys[k.value.name] {
                duplicate(.signKey, k.value.name, k.nameAt, first.nameAt)
                return
            }
            let keyid = k.value.keyid.uppercased()
            if let first = keyids[keyid] {
                diagnostics.append(
                    Diagnostic(k.keyidAt, "keyid \(k.value.keyid) is already used by the sign key at \(first)"))
                return
            }
            keyids[keyid] = k.keyidAt
            signKeys[k.value.name] = k
        case .release(let r):
            if let first = releases[r.value.name] {
                duplicate(.release, r.value.name, r.nameAt, first.nameAt)
                return
            }
            releases[r.value.name] = r
        case .flavor(let f):
            if let first = flavors[f.value.name] {
                duplicate(.flavor, f.value.name, f.nameAt, first.nameAt)
                return
            }
            flavors[f.value.name] = f
        case .team(let t):
            if let first = teams[t.value.name] {
                duplicate(.team, t.value.name, t.nameAt, first.nameAt)
                return
            }
            teams[t.value.name] = t
        case .retired(let r):
            for item in r.value {
                if let first = retired[item.name]?.location, let at = item.location {
                    diagnostics.append(Diagnostic(at, "store repository '\(item.name)' is already listed at \(first)"))
                    continue
                }
                retired[item.name] = item
            }
        }
    }

    private mutating func duplicate(_ kind: SpecKind, _ name: String, _ at: SourceLocation, _ first: SourceLocation) {
        diagnostics.append(Diagnostic(at, "\(kind.displayName) '\(name)' is already defined at \(first)"))
    }

    /// Checks between objects: references to platforms, production repositories, package
    /// arches, and repositories declared in several places with different settings.
    mutating func crossCheck() -> [Diagnostic] {
        for d in distributions.values {
            for (platform, at) in zip(d.value.platforms, d.platformsAt) where platforms[platform] == nil {
                diagnostics.append(
                    Diagnostic(at, "distribution '\(d.value.name)' names unknown platform '\(platform)'"))
            }
        }
        for k in signKeys.values {
            for (platform, at) in zip(k.value.platforms, k.platformsAt) where platforms[platform] == nil {
                diagnostics.append(Diagnostic(at, "sign key '\(k.value.name)' names unknown platform '\(platform)'"))
            }
        }
        for t in teams.values {
            for (platform, at) in zip(t.value.platforms, t.platformsAt) where platforms[platform] == nil {
                diagnostics.append(Diagnostic(at, "team '\(t.value.name)' names unknown platform '\(platform)'"))
            }
            for (product, at) in zip(t.value.products, t.productsAt) where distributions[product] == nil {
                diagnostics.append(
                    Diagnostic(at, "team '\(t.value.name)' names unknown product '\(product)' (a distribution)"))
            }
        }
        for r in releases.values { checkRelease(r) }
        checkSharedRepositories()
        checkRetired()
        return diagnostics
    }

    private mutating func checkRelease(_ r: ParsedRelease) {
        let plan = r.value
        if let reference = plan.referencePlatform, platforms[reference] == nil {
            diagnostics.append(
                Diagnostic(
                    r.referenceAt ?? r.platformAt,
                    "release '\(plan.name)' names unknown reference platform '\(reference)'"))
        }
        guard let target = platforms[plan.platform]?.value else {
            diagnostics.append(
                Diagnostic(r.platformAt, "release '\(plan.name)' names unknown platform '\(plan.platform)'"))
            return
        }
        var production: [String: [String]] = [:]
        for repo in target.repos where repo.production { production[repo.name, default: []].append(repo.arch) }
        let independent = Architecture.independent(for: target.type)
        let arches = target.archList + [independent, Architecture.source]
        for (package, at) in zip(plan.packages, r.packagesAt) {
            var archReported = true
            if !Architecture.isKnown(package.arch, type: target.type) {
                diagnostics.append(
                    Diagnostic(
                        at.arch,
                        "unknown architecture '\(package.arch)'; known: "
                            + Architecture.allArches(for: target.type).joined(separator: ", ")))
            } else if !arches.contains(package.arch) {
                diagnostics.append(
                    Diagnostic(
                        at.arch,
                        "package '\(package.name)' has arch '\(package.arch)', which platform '\(target.name)' "
                            + "does not build (arch_list: " + target.archList.joined(separator: ", ") + ")"))
            } else {
                archReported = false
            }
            for (repo, repoAt) in zip(package.repositories, at.repositories) {
                guard let repoArches = production[repo] else {
                    diagnostics.append(
                        Diagnostic(
                            repoAt,
                            "repository '\(repo)' is not a production repository of platform '\(target.name)'"))
                    continue
                }
                // noarch goes into every arch of a repository; any other arch (src too) into its
                // own, i686 also into x86_64 (multilib).
                guard !archReported, !repoArches.contains(where: { Architecture.canPlace(package.arch, into: $0) })
                else { continue }
                diagnostics.append(
                    Diagnostic(
                        repoAt,
                        "package '\(package.name)' (arch \(package.arch)) cannot go into repository '\(repo)': "
                            + "platform '\(target.name)' has it only for "
                            + Self.orderedSet(repoArches).joined(separator: ", ")))
            }
        }
    }

    /// The items in first-seen order, each once.
    private static func orderedSet(_ items: [String]) -> [String] {
        var seen = Set<String>()
        return items.filter { seen.insert($0).inserted }
    }

    /// The same name+arch+debug is one repository in the store: where platforms (or a
    /// platform and `repositories/`) both declare it, url, type and production must agree.
    private mutating func checkSharedRepositories() {
        var seen:
            [RepositoryKey: (
                url: String, type: String, production: Bool, sync: RepositorySync?, at: SourceLocation, owner: String
            )] =
                [:]
        func check(
            _ key: RepositoryKey, _ url: String, _ type: String, _ production: Bool, _ sync: RepositorySync?,
            _ at: SourceLocation, owner: String, into diagnostics: inout [Diagnostic]
        ) {
            guard let first = seen[key] else {
                seen[key] = (url, type, production, sync, at, owner)
                return
            }
            guard first.owner != owner else { return }  // same platform: reported as a duplicate
            var differs: [String] = []
            if first.url != url { differs.append("url") }
            if first.type != type { differs.append("type") }
            if first.production != production { differs.append("production") }
            if first.sync != sync { differs.append("sync") }
            guard !differs.isEmpty else { return }
            diagnostics.append(
                Diagnostic(
                    at,
                    "repository '\(key.name)' (arch \(key.arch), debug \(key.debug)) "
                        + "is also defined at \(first.at) with a different "
                        + differs.joined(separator: ", ")
                        + ": one name+arch+debug is one repository"))
        }
        for name in platformOrder {
            guard let parsed = platforms[name] else { continue }
            for repo in parsed.value.repos {
                check(
                    repo.key, repo.url, repo.type, repo.production, repo.sync, repo.location ?? parsed.nameAt,
                    owner: "platform " + name, into: &diagnostics)
            }
        }
        for f in flavors.values.sorted(by: { $0.nameAt.file < $1.nameAt.file }) {
            for repo in f.value.repos {
                check(
                    repo.key, repo.url, repo.type, repo.production, repo.sync, repo.location ?? f.nameAt,
                    owner: "flavor " + f.value.name, into: &diagnostics)
            }
        }
        for r in repositories.values.sorted(by: { $0.nameAt.file < $1.nameAt.file }) {
            let repo = r.value
            check(
                repo.key, repo.url, repo.type, repo.production, repo.sync, repo.location ?? r.nameAt,
                owner: "file " + r.nameAt.file, into: &diagnostics)
        }
    }

    /// A retired store repository must not be declared as well: one of the two is a mistake.
    private mutating func checkRetired() {
        guard !retired.isEmpty else { return }
        var declared: [String: SourceLocation] = [:]
        func note(_ repo: Repository, _ fallback: SourceLocation) {
            guard repo.type == "rpm", retired[repo.key.storeName] != nil else { return }
            if declared[repo.key.storeName] == nil { declared[repo.key.storeName] = repo.location ?? fallback }
        }
        for name in platformOrder {
            guard let p = platforms[name] else { continue }
            for repo in p.value.repos { note(repo, p.nameAt) }
        }
        for f in flavors.values {
            for repo in f.value.repos { note(repo, f.nameAt) }
        }
        for r in repositories.values { note(r.value, r.nameAt) }
        for (name, at) in declared.sorted(by: { $0.key < $1.key }) {
            guard let item = retired[name], let listed = item.location else { continue }
            diagnostics.append(
                Diagnostic(
                    listed,
                    "store repository '\(name)' is listed as retired but the repository at \(at) still declares it: "
                        + "remove one of the two"))
        }
    }

    /// The objects, each kind sorted by name (repositories by name, arch, debug).
    func desiredState() -> DesiredState {
        DesiredState(
            platforms: platforms.values.map(\.value).sorted { $0.name < $1.name },
            distributions: distributions.values.map(\.value).sorted { $0.name < $1.name },
            repositories: repositories.values.map(\.value).sorted {
                ($0.name, $0.arch, $0.debug ? 1 : 0) < ($1.name, $1.arch, $1.debug ? 1 : 0)
            },
            signKeys: signKeys.values.map(\.value).sorted { $0.name < $1.name },
            releases: releases.values.map(\.value).sorted { $0.name < $1.name },
            flavors: flavors.values.map(\.value).sorted { $0.name < $1.name },
            retired: retired.values.sorted { $0.name < $1.name },
            teams: teams.values.map(\.value).sorted { $0.name < $1.name })
    }
}
