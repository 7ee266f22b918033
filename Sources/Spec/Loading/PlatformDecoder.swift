import Yams

/// A platform as read, with the positions later checks point at.
struct ParsedPlatform {
    var value: Platform
    var nameAt: SourceLocation
}

extension FileReader {
    static let platformKeys = [
        "name", "type", "distr_type", "distr_version", "test_dist_name",
        "arch_list", "data", "repos", "skip_tests", "release_requires_tests"
    ]
    static let repoKeys = ["name", "arch", "url", "type", "debug", "production", "sync"]

    /// Reads `platforms/*.yml`. `nil` when a required field is missing or mistyped.
    mutating func platform(_ root: Node) -> ParsedPlatform? {
        guard let f = fields(root, of: "platform", allowed: Self.platformKeys) else { return nil }
        let name = objectName(f)
        let type = packageType(f)
        let distrType = string(f, "distr_type")
        let distrVersion = string(f, "distr_version")
        let testDistName = string(f, "test_dist_name")
        let arches = archList(f, type: type ?? "")
        let data = object(f, "data")
        let repos = platformRepos(f, type: type, archList: arches)
        let skipTests = bool(f, "skip_tests", default: false)
        let releaseRequiresTests = bool(f, "release_requires_tests", default: false)
        if skipTests && releaseRequiresTests, let node = f.node("release_requires_tests") {
            report(
                node,
                "'release_requires_tests: true' cannot hold with 'skip_tests: true': "
                    + "no build of this platform would ever be tested")
        }
        guard let name, let type, let distrType, let distrVersion, let testDistName,
            let arches, let nameNode = f.node("name")
        else { return nil }
        let platform = Platform(
            name: name, type: type, distrType: distrType,
            distrVersion: distrVersion, testDistName: testDistName,
            archList: arches, data: data, repos: repos, skipTests: skipTests,
            releaseRequiresTests: releaseRequiresTests, location: location(root))
        return ParsedPlatform(value: platform, nameAt: location(nameNode))
    }

    /// `type`: rpm or deb.
    mutating func packageType(_ f: Fields) -> String? {
        guard let type = string(f, "type") else { return nil }
        guard type == "rpm" || type == "deb" else {
            if let node = f.node("type") { report(node, "'type' must be rpm or deb, found '\(type)'") }
            return nil
        }
        return type
    }

    /// `arch_list`: a non-empty list of distinct build architectures of the platform's type.
    mutating func archList(_ f: Fields, type: String) -> [String]? {
        guard let items = stringList(f, "arch_list") else { return nil }
        if items.isEmpty, let node = f.node("arch_list") {
            report(node, "'arch_list' must not be empty")
            return nil
        }
        let build = Architecture.buildArches(for: type)
        var seen = Set<String>()
        var arches: [String] = []
        for (arch, node) in items {
            if build.contains(arch) {
                if seen.insert(arch).inserted {
                    arches.append(arch)
                } else {
                    report(node, "architecture '\(arch)' is listed twice in arch_list")
                }
            } else if Architecture.isKnown(arch, type: type) {
                report(
                    node,
                    "'\(arch)' cannot be in arch_list: list build architectures ("
                        + build.joined(separator: ", ") + "); "
                        + "\(Architecture.independent(for: type)) and src builds are implied")
            } else {
                report(node, unknownArch(arch, known: build))
            }
        }
        return arches
    }

    func unknownArch(_ arch: String, known: [String]) -> String {
        "unknown architecture '\(arch)'; known: " + known.joined(separator: ", ")
    }

    /// `repos`: each repo's arch must be in arch_list or be `src` (a src repo is never debug);
    /// name+arch+debug appears once per platform; its type matches the platform's.
    mutating func platformRepos(_ f: Fields, type: String?, archList: [String]?) -> [Repository] {
        guard let items = list(f, "repos", required: false) else { return [] }
        var repos: [Repository] = []
        var seen: [RepositoryKey: SourceLocation] = [:]
        let allowed = (archList ?? []) + [Architecture.source]
        for item in items {
            guard let rf = fields(item, of: "repo", allowed: Self.repoKeys),
                let repo = repo(rf, item)
            else { continue }
            let archNode = rf.node("arch") ?? item
            if !Architecture.isKnown(repo.arch, type: type ?? "") {
                report(archNode, unknownArch(repo.arch, known: Architecture.allArches(for: type ?? "")))
            } else if let archList, !allowed.contains(repo.arch) {
                report(
                    archNode,
                    "repo '\(repo.name)' has arch '\(repo.arch)', which is not in the "
                        + "platform's arch_list (" + archList.joined(separator: ", ")
                        + "); a platform repo's arch is one of arch_list or src")
            } else if repo.arch == Architecture.source && repo.debug {
                report(
                    rf.node("debug") ?? item,
                    "repo '\(repo.name)' has arch src and debug true: "
                        + "source repositories have no debug variant")
            }
            if let type, repo.type != type, let typeNode = rf.node("type") {
                report(typeNode, "repo '\(repo.name)' has type '\(repo.type)' but the platform's type is '\(type)'")
            }
            let at = location(item)
            if let first = seen[repo.key] {
                report(
                    at: at,
                    "repo '\(repo.name)' (arch \(repo.arch), debug \(repo.debug)) "
                        + "is already defined at \(first)")
            } else {
                seen[repo.key] = at
            }
            repos.append(repo)
        }
        return repos
    }

    /// The common fields of a platform repo and a standalone repository.
    mutating func repo(_ f: Fields, _ node: Node) -> Repository? {
        let name = objectName(f)
        let arch = string(f, "arch")
        let url = url(f, "url", required: true)
        let type = string(f, "type")
        if let type, type != "rpm" && type != "deb", let typeNode = f.node("type") {
            report(typeNode, "'type' must be rpm or deb, found '\(type)'")
        }
        let debug = bool(f, "debug", default: false)
        let production = bool(f, "production", default: false)
        let sync = repositorySync(f, production: production)
        guard let name, let arch, let url, let type else { return nil }
        return Repository(
            name: name, arch: arch, url: url, type: type, debug: debug,
            production: production, sync: sync, location: location(node))
    }

    /// `name`: letters, digits and `. _ + -`, starting with a letter or digit.
    mutating func objectName(_ f: Fields) -> String? {
        guard let name = string(f, "name") else { return nil }
        if !FileReader.isValidName(name), let node = f.node("name") {
            report(
                node,
                "'name' must be letters, digits, '.', '_', '+' or '-' (starting with a letter or digit), found '\(name)'"
            )
        }
        return name
    }

    static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first.isASCIIAlnum else { return false }
        return name.unicodeScalars.allSatisfy { $0.isASCIIAlnum || "._+-".unicodeScalars.contains($0) }
    }

    /// A URL whose scheme is one of `rules.urlSchemes` (http and https by default), with
    /// something after `scheme://`.
    mutating func url(_ f: Fields, _ key: String, required: Bool) -> String? {
        guard let url = string(f, key, required: required) else { return nil }
        let schemes = rules.urlSchemes.sorted()
        let ok = schemes.contains { scheme in
            let prefix = scheme + "://"
            return url.utf8.count > prefix.utf8.count && url.lowercased().hasPrefix(prefix)
        }
        if !ok, let node = f.node(key) {
            let allowed = schemes.map { $0 + "://" }.joined(separator: ", ")
            report(
                node,
                "'\(key)' must be a URL starting with one of \(allowed) "
                    + "(KILN_REPOSITORY_URL_SCHEMES allows others), found '\(url)'")
        }
        return url
    }
}

extension Unicode.Scalar {
    var isASCIIAlnum: Bool {
        (value >= 0x30 && value <= 0x39) || (value >= 0x41 && value <= 0x5A) || (value >= 0x61 && value <= 0x7A)
    }
}
