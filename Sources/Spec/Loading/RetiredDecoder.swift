import Yams

/// A `retired/*.yml` file as read.
struct ParsedRetired {
    var value: [RetiredStoreRepository]
}

extension FileReader {
    /// Reads `retired/*.yml`: `store_repositories`, a list of distinct store repository names.
    mutating func retired(_ root: Node) -> ParsedRetired? {
        guard let f = fields(root, of: "retired list", allowed: ["store_repositories"]),
            let items = stringList(f, "store_repositories")
        else { return nil }
        var seen: [String: SourceLocation] = [:]
        var out: [RetiredStoreRepository] = []
        for (name, node) in items {
            if let first = seen[name] {
                report(node, "store repository '\(name)' is already listed at \(first)")
                continue
            }
            if name.isEmpty || name.contains("/") || name.hasPrefix(".") {
                report(node, "'\(name)' is not a store repository name (e.g. almalinux-9-baseos-x86_64)")
                continue
            }
            seen[name] = location(node)
            out.append(RetiredStoreRepository(name: name, location: location(node)))
        }
        return ParsedRetired(value: out)
    }
}
