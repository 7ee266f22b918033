import Artifacts
import Spec

extension Planner {
    /// Sets each change's `file`: the desired-state file that caused it. An object's own file;
    /// a store repository's is its repository's; an object removed from a file that still
    /// declares its owner (a repository dropped from a platform) is filed under that file.
    static func fileChanges(_ changes: [Change], desired: DesiredState, actual: ActualState) -> [Change] {
        let repositories = desiredRepositories(desired)
        var storeFiles: [String: String] = [:]
        for r in repositories.values {
            if let file = r.location?.file { storeFiles[StoreNaming.storeName(r.key), default: file] = file }
        }
        // A repository no longer declared, filed under the platform or flavor that still exists
        // and listed it.
        var ownerFiles: [RepositoryKey: String] = [:]
        let platformFiles = Dictionary(
            desired.platforms.compactMap { p in p.location.map { (p.name, $0.file) } }, uniquingKeysWith: { a, _ in a })
        let flavorFiles = Dictionary(
            desired.flavors.compactMap { f in f.location.map { (f.name, $0.file) } }, uniquingKeysWith: { a, _ in a })
        for p in actual.platforms {
            guard let file = platformFiles[p.record.name] else { continue }
            for r in p.record.repos where ownerFiles[r.key] == nil { ownerFiles[r.key] = file }
        }
        for f in actual.flavors {
            guard let file = flavorFiles[f.record.name] else { continue }
            for r in f.record.repos where ownerFiles[r.key] == nil { ownerFiles[r.key] = file }
        }
        for (key, file) in ownerFiles where storeFiles[StoreNaming.storeName(key)] == nil {
            storeFiles[StoreNaming.storeName(key)] = file
        }
        return changes.map { change in
            var c = change
            switch c.desired ?? c.actual {
            case .storeRepository(let s)?: c.file = storeFiles[s.name]
            case .repository(let r)?: c.file = r.location?.file ?? ownerFiles[r.key]
            case let resource?: c.file = resource.location?.file
            case nil: break
            }
            return c
        }
    }
}

extension Resource {
    /// Where the record was declared (nil for a record read back from the database).
    var location: SourceLocation? {
        switch self {
        case .signKey(let k): k.location
        case .repository(let r): r.location
        case .storeRepository: nil
        case .platform(let p): p.location
        case .flavor(let f): f.location
        case .distribution(let d): d.location
        case .release(let r): r.location
        case .team(let t): t.location
        }
    }
}
