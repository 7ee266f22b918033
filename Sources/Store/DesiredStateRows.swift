/// The desired-state rows as PostgreSQL holds them (JSON columns as text). Read by
/// `DesiredStateStore.read`; the Reconciler maps them to its `ActualState`.
public struct DesiredStateRows: Sendable, Hashable {
    public struct Repository: Sendable, Hashable {
        public var name: String, arch: String, debug: Bool, url: String, type: String
        public var production: Bool, origin: String
    }
    public struct Platform: Sendable, Hashable {
        public var name: String, type: String, distrType: String, distrVersion: String, testDistName: String
        /// JSON text of `arch_list` and `data`.
        public var archListJSON: String, dataJSON: String
        public var origin: String
        /// Build tasks on this platform; API releases targeting or referencing it.
        public var buildTaskCount: Int, apiReleaseCount: Int
        /// Linked repositories: (name, arch, debug).
        public var repositories: [RepositoryIdentity]
    }
    public struct RepositoryIdentity: Sendable, Hashable {
        public var name: String, arch: String, debug: Bool
        public init(name: String, arch: String, debug: Bool) { self.name = name; self.arch = arch; self.debug = debug }
    }
    public struct Distribution: Sendable, Hashable {
        public var name: String, origin: String, platforms: [String]
    }
    public struct SignKey: Sendable, Hashable {
        public var name: String, description: String, keyid: String, fingerprint: String, publicURL: String
        public var origin: String
        public var signTaskCount: Int
    }
    public struct Release: Sendable, Hashable {
        public var name: String, platform: String, referencePlatform: String?
        public var planJSON: String
        public var status: Int, origin: String
    }
    public struct BuildRepository: Sendable, Hashable {
        public var name: String, buildID: Int
    }

    public var repositories: [Repository] = []
    public var platforms: [Platform] = []
    public var distributions: [Distribution] = []
    public var signKeys: [SignKey] = []
    public var releases: [Release] = []
    public var buildRepositories: [BuildRepository] = []

    public init() {}
}

/// One write of an apply, executed by `DesiredStateStore.apply` inside one transaction.
/// Upserts set `origin = 'git'` and `commit_sha`; deletes touch only `origin = 'git'` rows.
public enum DesiredStateWrite: Sendable, Hashable {
    case upsertSignKey(name: String, description: String, keyid: String, fingerprint: String, publicURL: String)
    case upsertRepository(name: String, arch: String, debug: Bool, url: String, type: String, production: Bool)
    case upsertPlatform(name: String, type: String, distrType: String, distrVersion: String, testDistName: String,
                        archListJSON: String, dataJSON: String, repositories: [DesiredStateRows.RepositoryIdentity])
    case upsertDistribution(name: String, platforms: [String])
    case upsertRelease(name: String, platform: String, referencePlatform: String?, planJSON: String, builds: [Int])
    case deleteSignKey(name: String)
    case deleteRepository(name: String, arch: String, debug: Bool)
    case deletePlatform(name: String)
    case deleteDistribution(name: String)
    /// Deletes a scheduled release only.
    case deleteRelease(name: String)
}
