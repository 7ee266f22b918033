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
    /// Reads `distributions/*.yml`: name, platforms (distinct names), builds? (distinct
    /// positive ids).
    mutating func distribution(_ root: Node) -> ParsedDistribution? {
        guard let f = fields(root, of: "distribution", allowed: ["name", "platforms", "builds"]) else { return nil }
        let name = objectName(f)
        let items = stringList(f, "platforms")
        let builds = buildIDs(f, required: false) ?? []
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
            value: Distribution(name: name, platforms: platforms, builds: builds, location: location(root)),
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

    /// Reads `releases/*.yml`: name, platform, reference_platform?, state? (planned,
    /// committed, reverted), builds (distinct positive ids, at least one), packages
    /// [{name, arch, repositories | skip: true}].
    mutating func release(_ root: Node) -> ParsedRelease? {
        guard
            let f = fields(
                root, of: "release",
                allowed: ["name", "platform", "reference_platform", "state", "builds", "packages"])
        else { return nil }
        let name = objectName(f)
        let platform = string(f, "platform")
        let reference = string(f, "reference_platform", required: false)
        let state = releaseState(f)
        let builds = releaseBuilds(f)
        var packages: [ReleasePackage] = []
        var packagesAt: [(arch: SourceLocation, repositories: [SourceLocation])] = []
        var seen: [String: SourceLocation] = [:]
        for item in list(f, "packages", required: false) ?? [] {
            guard let (package, at) = releasePackage(item) else { continue }
            let key = package.name + "\u{0}" + package.arch
            if let first = seen[key] {
                report(item, "package '\(package.name)' (arch \(package.arch)) is already placed at \(first)")
                continue
            }
            seen[key] = location(item)
            packages.append(package)
            packagesAt.append(at)
        }
        guard let name, let platform, let builds, let state,
            let nameNode = f.node("name"), let platformNode = f.node("platform")
        else { return nil }
        let plan = ReleasePlan(
            name: name, platform: platform, referencePlatform: reference,
            builds: builds, packages: packages, state: state, location: location(root))
        return ParsedRelease(
            value: plan, nameAt: location(nameNode), platformAt: location(platformNode),
            referenceAt: f.node("reference_platform").map(location), packagesAt: packagesAt)
    }

    /// One item of `packages`: name, arch, and either `repositories` (not empty) or `skip: true`.
    private mutating func releasePackage(
        _ item: Node
    ) -> (ReleasePackage, (arch: SourceLocation, repositories: [SourceLocation]))? {
        guard let pf = fields(item, of: "package", allowed: ["name", "arch", "repositories", "skip"]) else {
            return nil
        }
        let pname = objectName(pf)
        let arch = string(pf, "arch")
        let skip = bool(pf, "skip", default: false)
        let repos = stringList(pf, "repositories", required: false)
        if skip {
            if let node = pf.node("repositories") {
                report(node, "a package with 'skip: true' is not released: remove 'repositories' or the skip")
            }
        } else if let repos {
            if repos.isEmpty, let node = pf.node("repositories") { report(node, "'repositories' must not be empty") }
        } else if let node = pf.node("repositories") {
            if case .scalar(let s) = node, ScalarValue.isNull(s) { report(node, "'repositories' must not be empty") }
        } else {
            report(item, "package needs 'repositories' (where it ships) or 'skip: true' (not released)")
        }
        guard let pname, let arch, let archNode = pf.node("arch"), skip || repos != nil else { return nil }
        let placed = skip ? [] : (repos ?? [])
        let package = ReleasePackage(
            name: pname, arch: arch, repositories: placed.map(\.0), skip: skip, location: location(item))
        return (package, (location(archNode), placed.map { location($0.1) }))
    }

    /// `state:` of a release; planned when absent, nil (reported) when unknown.
    private mutating func releaseState(_ f: Fields) -> ReleaseState? {
        guard let text = string(f, "state", required: false) else { return .planned }
        if let state = ReleaseState(rawValue: text) { return state }
        let known = ReleaseState.allCases.map(\.rawValue).joined(separator: ", ")
        if let node = f.node("state") { report(node, "'state' must be one of \(known), found '\(text)'") }
        return nil
    }

    private mutating func releaseBuilds(_ f: Fields) -> [Int]? {
        buildIDs(f, required: true, atLeastOne: true)
    }

    /// `builds:`: positive build ids, each once (others reported at their item); with
    /// `atLeastOne`, a list with no integer in it is reported too.
    private mutating func buildIDs(_ f: Fields, required: Bool, atLeastOne: Bool = false) -> [Int]? {
        guard let items = intList(f, "builds", required: required) else { return nil }
        if atLeastOne, items.isEmpty, let node = f.node("builds") {
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
