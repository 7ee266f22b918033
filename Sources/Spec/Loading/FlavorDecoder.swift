import Yams

/// A platform flavor as read.
struct ParsedFlavor {
    var value: Flavor
    var nameAt: SourceLocation
}

extension FileReader {
    /// Reads `flavors/*.yml`: name, modularity (mapping), data (mapping; the keys get_task
    /// merges are type-checked), repositories (like platform repos, any arch of their type).
    mutating func flavor(_ root: Node) -> ParsedFlavor? {
        guard let f = fields(root, of: "flavor", allowed: ["name", "modularity", "data", "repositories"]) else {
            return nil
        }
        let name = objectName(f)
        let modularity: [String: JSONValue]? = f.node("modularity") == nil ? nil : object(f, "modularity")
        let data = object(f, "data")
        if let dataNode = f.node("data") { checkFlavorData(dataNode) }
        let repos = flavorRepos(f)
        guard let name, let nameNode = f.node("name") else { return nil }
        let flavor = Flavor(name: name, modularity: modularity, data: data, repos: repos, location: location(root))
        return ParsedFlavor(value: flavor, nameAt: location(nameNode))
    }

    /// The keys of `data` that get_task merges must have the type ALBS merges them as.
    private mutating func checkFlavorData(_ data: Node) {
        guard case .mapping = data else { return }  // reported by `object`
        if let definitions = data["definitions"] { expectMapping(definitions, "data.definitions") }
        guard let mock = data["mock"] else { return }
        guard case .mapping = mock else {
            report(mock, "'data.mock' must be a mapping, found \(mock.kindDescription)")
            return
        }
        for key in ["macros", "secure_boot_macros"] {
            if let node = mock[key] { expectMapping(node, "data.mock.\(key)") }
        }
        if let node = mock["chroot_setup_cmd"], !Self.isText(node) {
            report(node, "'data.mock.chroot_setup_cmd' must be a string, found \(node.kindDescription)")
        }
        if let node = mock["use_host_resolv"], !Self.isBool(node) {
            report(node, "'data.mock.use_host_resolv' must be true or false, found \(node.kindDescription)")
        }
        if let node = mock["dnf_common_opts"] {
            guard case .sequence(let items) = node else {
                report(node, "'data.mock.dnf_common_opts' must be a list, found \(node.kindDescription)")
                return
            }
            for item in items where !Self.isText(item) {
                report(item, "items of 'data.mock.dnf_common_opts' must be strings, found \(item.kindDescription)")
            }
        }
    }

    private static func isText(_ node: Node) -> Bool {
        guard case .scalar(let s) = node else { return false }
        return !ScalarValue.isNull(s)
    }

    private static func isBool(_ node: Node) -> Bool {
        guard case .scalar(let s) = node, case .bool = ScalarValue(s) else { return false }
        return true
    }

    private mutating func expectMapping(_ node: Node, _ what: String) {
        guard case .mapping = node else {
            report(node, "'\(what)' must be a mapping, found \(node.kindDescription)")
            return
        }
    }

    /// `repositories`: each like a platform repo, with any arch known for its type (a src repo
    /// is never debug); name+arch+debug appears once per flavor.
    private mutating func flavorRepos(_ f: Fields) -> [Repository] {
        guard let items = list(f, "repositories", required: false) else { return [] }
        var repos: [Repository] = []
        var seen: [RepositoryKey: SourceLocation] = [:]
        for item in items {
            guard let rf = fields(item, of: "repository", allowed: Self.repoKeys),
                let repo = repo(rf, item)
            else { continue }
            let archNode = rf.node("arch") ?? item
            if !Architecture.isKnown(repo.arch, type: repo.type) {
                report(archNode, unknownArch(repo.arch, known: Architecture.allArches(for: repo.type)))
            } else if repo.arch == Architecture.source && repo.debug {
                report(
                    rf.node("debug") ?? item,
                    "repository '\(repo.name)' has arch src and debug true: "
                        + "source repositories have no debug variant")
            }
            let at = location(item)
            if let first = seen[repo.key] {
                report(
                    at: at,
                    "repository '\(repo.name)' (arch \(repo.arch), debug \(repo.debug)) "
                        + "is already defined at \(first)")
            } else {
                seen[repo.key] = at
            }
            repos.append(repo)
        }
        return repos
    }
}
