import Yams

/// A team as read, with the positions of the platforms and products it names.
struct ParsedTeam: Sendable {
    var value: Team
    var nameAt: SourceLocation
    var platformsAt: [SourceLocation]
    var productsAt: [SourceLocation]
}

extension FileReader {
    /// Reads `teams/*.yml`: name, members [{login, roles}] (distinct logins, roles from
    /// `TeamRole`, distinct, at least one), platforms? and products? (distinct names).
    mutating func team(_ root: Node) -> ParsedTeam? {
        guard let f = fields(root, of: "team", allowed: ["name", "members", "platforms", "products"]) else {
            return nil
        }
        let name = objectName(f)
        let members = teamMembers(f)
        let platforms = distinctNames(f, "platforms")
        let products = distinctNames(f, "products")
        guard let name, let nameNode = f.node("name") else { return nil }
        return ParsedTeam(
            value: Team(
                name: name, members: members.sorted { $0.login < $1.login }, platforms: platforms.map(\.0),
                products: products.map(\.0), location: location(root)),
            nameAt: location(nameNode), platformsAt: platforms.map(\.1), productsAt: products.map(\.1))
    }

    /// `members`: each `{login, roles}`; a login appears once.
    private mutating func teamMembers(_ f: Fields) -> [TeamMember] {
        guard let items = list(f, "members", required: true) else { return [] }
        var members: [TeamMember] = []
        var seen: [String: SourceLocation] = [:]
        for item in items {
            guard let mf = fields(item, of: "member", allowed: ["login", "roles"]) else { continue }
            let login = string(mf, "login")
            let roles = teamRoles(mf)
            guard let login, let loginNode = mf.node("login") else { continue }
            if !FileReader.isValidLogin(login) {
                report(
                    loginNode,
                    "'login' must be 1 to 64 letters, digits, '.', '_' or '-' (starting with a letter or digit), found '\(login)'"
                )
                continue
            }
            if let first = seen[login] {
                report(loginNode, "member '\(login)' is already listed at \(first)")
                continue
            }
            seen[login] = location(loginNode)
            members.append(TeamMember(login: login, roles: roles))
        }
        return members
    }

    /// `roles`: distinct names of `TeamRole`, at least one.
    private mutating func teamRoles(_ f: Fields) -> [TeamRole] {
        guard let items = stringList(f, "roles") else { return [] }
        if items.isEmpty, let node = f.node("roles") {
            report(
                node,
                "'roles' must name at least one role: " + TeamRole.allCases.map(\.rawValue).joined(separator: ", "))
        }
        var roles: [TeamRole] = []
        for (text, node) in items {
            guard let role = TeamRole(rawValue: text) else {
                report(
                    node,
                    "unknown role '\(text)'; known: " + TeamRole.allCases.map(\.rawValue).joined(separator: ", "))
                continue
            }
            if roles.contains(role) {
                report(node, "role '\(text)' is listed twice")
                continue
            }
            roles.append(role)
        }
        return roles.sorted()
    }

    /// An optional list of distinct names with their positions.
    private mutating func distinctNames(_ f: Fields, _ key: String) -> [(String, SourceLocation)] {
        guard let items = stringList(f, key, required: false) else { return [] }
        var seen = Set<String>()
        var out: [(String, SourceLocation)] = []
        for (name, node) in items {
            guard seen.insert(name).inserted else {
                report(node, "'\(name)' is listed twice in '\(key)'")
                continue
            }
            out.append((name, location(node)))
        }
        return out
    }

    /// A login: 1-64 ASCII letters, digits, `.`, `_`, `-`, starting with a letter or digit.
    static func isValidLogin(_ login: String) -> Bool {
        guard login.utf8.count <= 64, let first = login.unicodeScalars.first, first.isASCIIAlnum else { return false }
        return login.unicodeScalars.allSatisfy { $0.isASCIIAlnum || "._-".unicodeScalars.contains($0) }
    }
}
