import Crypto
import Foundation
import Spec

/// What exists now: the desired-state rows in PostgreSQL and Kiln's objects in the artifact
/// store, plus what references them (builds, releases, sign tasks). Read by `StateDatabase`
/// and `ArtifactStore`; compared by `Planner` with a `DesiredState`.
public struct ActualState: Sendable, Hashable, Codable {
    public var repositories: [ActualRepository]
    public var platforms: [ActualPlatform]
    public var distributions: [ActualDistribution]
    public var signKeys: [ActualSignKey]
    public var releases: [ActualRelease]
    /// Store repositories carrying Kiln's label (nil: the store side was not read).
    public var storeRepositories: [ActualStoreRepository]?
    /// Store repository names that belong to builds (never pruned), with the reason.
    public var storeInUse: [String: String]

    public init(repositories: [ActualRepository] = [], platforms: [ActualPlatform] = [],
                distributions: [ActualDistribution] = [], signKeys: [ActualSignKey] = [],
                releases: [ActualRelease] = [], storeRepositories: [ActualStoreRepository]? = nil,
                storeInUse: [String: String] = [:]) {
        self.repositories = repositories; self.platforms = platforms
        self.distributions = distributions; self.signKeys = signKeys; self.releases = releases
        self.storeRepositories = storeRepositories; self.storeInUse = storeInUse
    }

    /// The same state with every list sorted, so equal states encode to equal bytes.
    public var canonical: ActualState {
        var s = self
        s.repositories.sort { $0.key < $1.key }
        s.platforms = s.platforms.map { var p = $0; p.repositories.sort(); p.usedBy.sort(); return p }
            .sorted { $0.name < $1.name }
        s.distributions = s.distributions.map { var d = $0; d.platforms.sort(); return d }
            .sorted { $0.name < $1.name }
        s.signKeys = s.signKeys.map { var k = $0; k.usedBy.sort(); return k }.sorted { $0.name < $1.name }
        s.releases.sort { $0.name < $1.name }
        s.storeRepositories?.sort { $0.name < $1.name }
        return s
    }

    /// sha256 (hex) over the canonical JSON of this state: what a saved plan is checked against.
    public var fingerprint: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(canonical)) ?? Data()
        return SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}

/// A row of `repositories` (origin git or api).
public struct ActualRepository: Sendable, Hashable, Codable {
    public var key: RepositoryKey
    public var url: String
    public var type: String
    public var production: Bool
    public var origin: String

    public init(key: RepositoryKey, url: String, type: String, production: Bool, origin: String) {
        self.key = key; self.url = url; self.type = type; self.production = production; self.origin = origin
    }
}

/// A row of `platforms` with its linked repositories and what uses it.
public struct ActualPlatform: Sendable, Hashable, Codable {
    public var name: String
    public var type: String
    public var distrType: String
    public var distrVersion: String
    public var testDistName: String
    public var archList: [String]
    public var data: JSONValue
    public var repositories: [RepositoryKey]
    public var origin: String
    /// Why it may not be deleted (`used by 3 build task(s)`, `release "x" targets it`).
    public var usedBy: [String]

    public init(name: String, type: String, distrType: String, distrVersion: String,
                testDistName: String, archList: [String], data: JSONValue,
                repositories: [RepositoryKey], origin: String, usedBy: [String] = []) {
        self.name = name; self.type = type; self.distrType = distrType; self.distrVersion = distrVersion
        self.testDistName = testDistName; self.archList = archList; self.data = data
        self.repositories = repositories; self.origin = origin; self.usedBy = usedBy
    }
}

/// A row of `distributions` with its platform names.
public struct ActualDistribution: Sendable, Hashable, Codable {
    public var name: String
    public var platforms: [String]
    public var origin: String

    public init(name: String, platforms: [String], origin: String) {
        self.name = name; self.platforms = platforms; self.origin = origin
    }
}

/// A row of `sign_keys` and what uses it.
public struct ActualSignKey: Sendable, Hashable, Codable {
    public var name: String
    public var description: String
    public var keyid: String
    public var fingerprint: String
    public var publicURL: String
    public var origin: String
    public var usedBy: [String]

    public init(name: String, description: String, keyid: String, fingerprint: String,
                publicURL: String, origin: String, usedBy: [String] = []) {
        self.name = name; self.description = description; self.keyid = keyid
        self.fingerprint = fingerprint; self.publicURL = publicURL; self.origin = origin; self.usedBy = usedBy
    }
}

/// A named row of `releases`.
public struct ActualRelease: Sendable, Hashable, Codable {
    public var name: String
    public var platform: String
    public var referencePlatform: String?
    /// `{"builds": [...], "packages": [...]}`.
    public var plan: JSONValue
    /// 1 scheduled, 2 in progress, 3 completed, 4 failed.
    public var status: Int
    public var origin: String

    public init(name: String, platform: String, referencePlatform: String?, plan: JSONValue,
                status: Int, origin: String) {
        self.name = name; self.platform = platform; self.referencePlatform = referencePlatform
        self.plan = plan; self.status = status; self.origin = origin
    }
}

/// A repository in the artifact store that carries Kiln's label.
public struct ActualStoreRepository: Sendable, Hashable, Codable {
    public var name: String
    /// The fields Kiln manages (e.g. `base_path`, `remote_url`), as strings.
    public var fields: [String: String]

    public init(name: String, fields: [String: String]) {
        self.name = name; self.fields = fields
    }
}
