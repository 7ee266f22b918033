import Yams

/// A distribution as read, with the position of each platform it names.
struct ParsedDistribution {
    var value: Distribution
    var nameAt: SourceLocation
    var platformsAt: [SourceLocation]
}

/// A standalone repository as read.
struct ParsedRepository {
    var value: Repository
    var nameAt: SourceLocation
}

/// A release plan as read, with the positions of its references.
struct ParsedRelease {
    var value: ReleasePlan
    var nameAt: SourceLocation
    var platformAt: SourceLocation
    var referenceAt: SourceLocation?
    /// Per package: the arch's position and each repository's position.
    var packagesAt: [(arch: SourceLocation, repositories: [SourceLocation])]
}

extension FileReader {
    /// Reads `distributions/*.yml`: name, platforms (distinct names).
    mutating func distribution(_ root: Node) -> ParsedDistribution? {
        guard let f = fields(root, of: "distribution", allowed: ["name", "platforms"]) else { return nil }
        let name = objectName(f)
        let items = stringList(f, "platforms")
        guard let name, let items, let nameNode = f.node("name") else { return nil }
        var seen = Set<String>()
        var platforms: [String] = []
        var at: [SourceLocation] = []
        for (platform, node) in items {
            guard seen.insert(platform).inserted else {
                report(node, "platform '\(platform)' is listed twice in distribution '\(name)'")
                continue
            }
            platforms.append(platform)
            at.append(location(node))
        }
        return ParsedDistribution(
            value: Distribution(name: name, platforms: platforms, location: location(root)),
            nameAt: location(nameNode), platformsAt: at)
    }

    /// Reads `repositories/*.yml`: any arch known for its type (noarch and src included).
    mutating func repository(_ root: Node) -> ParsedRepository? {
        guard let f = fields(root, of: "repository", allowed: Self.repoKeys),
            let repo = repo(f, root), let nameNode = f.node("name")
        else { return nil }
        if !Architecture.isKnown(repo.arch, type: repo.type), let archNode = f.node("arch") {
            report(archNode, unknownArch(repo.arch, known: Architecture.allArches(for: repo.type)))
        }
        return ParsedRepository(value: repo, nameAt: location(nameNode))
    }

    static func isHex(_ text: String, count: Int) -> Bool {
        text.utf8.count == count && text.unicodeScalars.allSatisfy { $0.properties.isASCIIHexDigit }
    }

    /// Reads `releases/*.yml`: name, platform, reference_platform?, builds (distinct positive
    /// ids, at least one), packages [{name, arch, repositories}].
    mutating func release(_ root: Node) -> ParsedRelease? {
        guard
            let f = fields(
                root, of: "release",
                allowed: ["name", "platform", "reference_platform", "builds", "packages"])
        else { return nil }
        let name = objectName(f)
        let platform = string(f, "platform")
        let reference = string(f, "reference_platform", required: false)
        let builds = releaseBuilds(f)
        var packages: [ReleasePackage] = []
        var packagesAt: [(arch: SourceLocation, repositories: [SourceLocation])] = []
        var seen: [String: SourceLocation] = [:]
        for item in list(f, "packages", required: false) ?? [] {
            guard let pf = fields(item, of: "package", allowed: ["name", "arch", "repositories"]) else { continue }
            let pname = objectName(pf)
            let arch = string(pf, "arch")
            let repos = stringList(pf, "repositories")
            if let repos, repos.isEmpty, let node = pf.node("repositories") {
                report(node, "'repositories' must not be empty")
            }
            guard let pname, let arch, let repos, let archNode = pf.node("arch") else { continue }
            let at = location(item)
            let package = ReleasePackage(name: pname, arch: arch, repositories: repos.map(\.0), location: at)
            let key = pname + "\u{0}" + arch
            if let first = seen[key] {
                report(item, "package '\(pname)' (arch \(arch)) is already placed at \(first)")
                continue
            }
            seen[key] = at
            packages.append(package)
            packagesAt.append((location(archNode), repos.map { location($0.1) }))
        }
        guard let name, let platform, let builds,
            let nameNode = f.node("name"), let platformNode = f.node("platform")
        else { return nil }
        let plan = ReleasePlan(
            name: name, platform: platform, referencePlatform: reference,
            builds: builds, packages: packages, location: location(root))
        return ParsedRelease(
            value: plan, nameAt: location(nameNode), platformAt: location(platformNode),
            referenceAt: f.node("reference_platform").map(location), packagesAt: packagesAt)
    }

    private mutating func releaseBuilds(_ f: Fields) -> [Int]? {
        guard let items = intList(f, "builds") else { return nil }
        if items.isEmpty, let node = f.node("builds") {
            report(node, "'builds' must list at least one build id")
        }
        var seen = Set<Int>()
        var builds: [Int] = []
        for (id, node) in items {
            if id <= 0 {
                report(node, "build ids are positive integers, found \(id)")
                continue
            }
            if !seen.insert(id).inserted {
                report(node, "build \(id) is listed twice")
                continue
            }
            builds.append(id)
        }
        return builds
    }
}
