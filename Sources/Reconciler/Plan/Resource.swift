import Artifacts
import Spec

/// One object a plan creates, changes, deletes or keeps: the record of its kind, the same
/// type the desired state declares and the actual state reads back.
///
///     let r = Resource.platform(platform)
///     r.kind     // .platform
///     r.fields   // ["distr_version": "9", "arch_list": ["x86_64"], ...]
package enum Resource: Sendable, Hashable {
    case signKey(SignKey)
    case repository(Repository)
    case storeRepository(StoreRepositorySpec)
    case platform(Platform)
    case flavor(Flavor)
    case distribution(Distribution)
    case release(ReleasePlan)
    case team(Team)

    package var kind: ResourceKind {
        switch self {
        case .signKey: .signKey
        case .repository: .repository
        case .storeRepository: .storeRepository
        case .platform: .platform
        case .flavor: .flavor
        case .distribution: .distribution
        case .release: .release
        case .team: .team
        }
    }

    /// Display address: the object's name (`AlmaLinux-9`, `almalinux-9-baseos/x86_64/debug`).
    package var name: String {
        switch self {
        case .signKey(let k): k.name
        case .repository(let r): r.key.description
        case .storeRepository(let s): s.name
        case .platform(let p): p.name
        case .flavor(let f): f.name
        case .distribution(let d): d.name
        case .release(let r): r.name
        case .team(let t): t.name
        }
    }

    /// The fields a plan compares and shows, as canonical JSON (sets sorted, integral
    /// numbers as integers): what `Change.fields` is derived from.
    package var fields: [String: JSONValue] {
        switch self {
        case .signKey(let k):
            return [
                "description": .string(k.description), "keyid": .string(k.keyid),
                "fingerprint": .string(k.fingerprint), "public_url": .string(k.publicURL),
                "public_key": .string(k.publicKeySummary),
                "platforms": .array(Set(k.platforms).sorted().map { .string($0) }),
                "active": .bool(k.active), "sign_files": .bool(k.signFiles)
            ]
        case .repository(let r):
            return [
                "name": .string(r.name), "arch": .string(r.arch), "debug": .bool(r.debug),
                "url": .string(r.url), "type": .string(r.type), "production": .bool(r.production),
                "sync": r.sync.map(Self.syncFields) ?? .null
            ]
        case .storeRepository(let s):
            return [
                "kind": .string(s.kind.rawValue), "remote_url": .string(s.remoteURL ?? ""),
                "base_path": .string(s.basePath),
                "labels": .string(s.labels.keys.sorted().map { "\($0)=\(s.labels[$0] ?? "")" }.joined(separator: ","))
            ]
        case .platform(let p):
            return [
                "type": .string(p.type), "distr_type": .string(p.distrType),
                "distr_version": .string(p.distrVersion), "test_dist_name": .string(p.testDistName),
                "arch_list": .array(p.archList.map { .string($0) }),
                "data": JSONValue.object(p.data).normalized,
                "repositories": .array(Set(p.repos.map(\.key)).sorted().map { .string($0.description) }),
                "skip_tests": .bool(p.skipTests), "release_requires_tests": .bool(p.releaseRequiresTests)
            ]
        case .flavor(let f):
            return [
                "modularity": f.modularity.map { JSONValue.object($0).normalized } ?? .null,
                "data": JSONValue.object(f.data).normalized,
                "repositories": .array(Set(f.repos.map(\.key)).sorted().map { .string($0.description) })
            ]
        case .distribution(let d):
            return [
                "platforms": .array(Set(d.platforms).sorted().map { .string($0) }),
                "builds": .array(Set(d.builds).sorted().map { .int($0) })
            ]
        case .release(let r):
            let packages: [JSONValue] = r.packages
                .sorted { ($0.name, $0.arch) < ($1.name, $1.arch) }
                .map {
                    var item: [String: JSONValue] = [
                        "name": .string($0.name), "arch": .string($0.arch),
                        "repositories": .array($0.repositories.map { .string($0) })
                    ]
                    if $0.skip { item["skip"] = .bool(true) }
                    return .object(item)
                }
            return [
                "platform": .string(r.platform),
                "reference_platform": r.referencePlatform.map { .string($0) } ?? .null,
                "state": .string(r.state.rawValue),
                "plan": .object(["builds": .array(r.builds.map { .int($0) }), "packages": .array(packages)])
            ]
        case .team(let t):
            return [
                "members": .object(
                    Dictionary(
                        t.members.map {
                            ($0.login, JSONValue.array(Set($0.roles).sorted().map { .string($0.rawValue) }))
                        },
                        uniquingKeysWith: { a, _ in a })),
                "platforms": .array(Set(t.platforms).sorted().map { .string($0) }),
                "products": .array(Set(t.products).sorted().map { .string($0) })
            ]
        }
    }
}

extension Resource {
    /// A repository's `sync:` as the plan shows it.
    static func syncFields(_ s: RepositorySync) -> JSONValue {
        .object([
            "interval": .string(RepositorySync.formatInterval(s.intervalSeconds)),
            "policy": .string(s.policy.rawValue), "read_only": .bool(s.readOnly)
        ])
    }

    /// Encodes the record alone (its kind is written next to it).
    func encode<Key: CodingKey>(to container: inout KeyedEncodingContainer<Key>, forKey key: Key) throws {
        switch self {
        case .signKey(let k): try container.encode(k, forKey: key)
        case .repository(let r): try container.encode(r, forKey: key)
        case .storeRepository(let s): try container.encode(s, forKey: key)
        case .platform(let p): try container.encode(p, forKey: key)
        case .flavor(let f): try container.encode(f, forKey: key)
        case .distribution(let d): try container.encode(d, forKey: key)
        case .release(let r): try container.encode(r, forKey: key)
        case .team(let t): try container.encode(t, forKey: key)
        }
    }

    /// Decodes the record of `kind` under `key`; nil when the key is absent or null.
    static func decode<Key: CodingKey>(
        _ kind: ResourceKind, from container: KeyedDecodingContainer<Key>,
        forKey key: Key
    ) throws -> Resource? {
        guard container.contains(key), try !container.decodeNil(forKey: key) else { return nil }
        switch kind {
        case .signKey: return .signKey(try container.decode(SignKey.self, forKey: key))
        case .repository: return .repository(try container.decode(Repository.self, forKey: key))
        case .storeRepository: return .storeRepository(try container.decode(StoreRepositorySpec.self, forKey: key))
        case .platform: return .platform(try container.decode(Platform.self, forKey: key))
        case .flavor: return .flavor(try container.decode(Flavor.self, forKey: key))
        case .distribution: return .distribution(try container.decode(Distribution.self, forKey: key))
        case .release: return .release(try container.decode(ReleasePlan.self, forKey: key))
        case .team: return .team(try container.decode(Team.self, forKey: key))
        }
    }
}

extension Resource {
    /// Whether two records are the same object with the same values, source locations aside
    /// (a desired record has one, the same record read back from the database has none).
    /// Compares in place, without copying the records.
    func sameRecord(as other: Resource) -> Bool {
        switch (self, other) {
        case (.signKey(let a), .signKey(let b)):
            return a.name == b.name && a.description == b.description && a.keyid == b.keyid
                && a.fingerprint == b.fingerprint && a.publicURL == b.publicURL && a.publicKey == b.publicKey
                && Set(a.platforms) == Set(b.platforms) && a.active == b.active && a.signFiles == b.signFiles
        case (.repository(let a), .repository(let b)):
            return a.sameRepository(as: b)
        case (.storeRepository(let a), .storeRepository(let b)):
            return a == b
        case (.platform(let a), .platform(let b)):
            return a.name == b.name && a.type == b.type && a.distrType == b.distrType
                && a.distrVersion == b.distrVersion && a.testDistName == b.testDistName
                && a.archList == b.archList && a.data == b.data
                && a.skipTests == b.skipTests && a.releaseRequiresTests == b.releaseRequiresTests
                && a.repos.count == b.repos.count
                && zip(a.repos, b.repos).allSatisfy { $0.sameRepository(as: $1) }
        case (.flavor(let a), .flavor(let b)):
            return a.name == b.name && a.modularity == b.modularity && a.data == b.data
                && a.repos.count == b.repos.count
                && zip(a.repos, b.repos).allSatisfy { $0.sameRepository(as: $1) }
        case (.distribution(let a), .distribution(let b)):
            return a.name == b.name && a.platforms == b.platforms && a.builds == b.builds
        case (.release(let a), .release(let b)):
            return a.name == b.name && a.platform == b.platform && a.referencePlatform == b.referencePlatform
                && a.state == b.state && a.builds == b.builds && a.packages.count == b.packages.count
                && zip(a.packages, b.packages).allSatisfy {
                    $0.name == $1.name && $0.arch == $1.arch && $0.repositories == $1.repositories
                        && $0.skip == $1.skip
                }
        case (.team(let a), .team(let b)):
            return a.name == b.name && a.members == b.members && a.platforms.sorted() == b.platforms.sorted()
                && a.products.sorted() == b.products.sorted()
        default:
            return false
        }
    }
}

extension Repository {
    fileprivate func sameRepository(as other: Repository) -> Bool {
        name == other.name && arch == other.arch && url == other.url && type == other.type
            && debug == other.debug && production == other.production && sync == other.sync
    }
}
