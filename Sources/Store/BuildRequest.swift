import Statuses

/// A build to create: platforms × arches × refs become build tasks.
public struct BuildRequest: Sendable, Equatable {
    /// One platform and the arches to build for it (each must be in the platform's arch_list).
    public struct PlatformArches: Sendable, Equatable {
        public var name: String
        public var archList: [String]
        public init(name: String, archList: [String]) {
            self.name = name
            self.archList = archList
        }
    }

    /// A source to build (`build_task_refs`); its position in `refs` is the task index.
    public struct Ref: Sendable, Equatable {
        public var url: String
        public var gitRef: String?
        package var refType: RefType
        public var gitCommitHash: String?
        package init(url: String, gitRef: String? = nil, refType: RefType = .gitBranch, gitCommitHash: String? = nil) {
            self.url = url
            self.gitRef = gitRef
            self.refType = refType
            self.gitCommitHash = gitCommitHash
        }

        /// The project name a node may refuse through `excluded_packages`: the URL's last path
        /// component without `.git` or `.src.rpm`.
        public var packageName: String {
            var last = url.split(separator: "/").last.map(String.init) ?? url
            for suffix in [".git", ".src.rpm"] where last.hasSuffix(suffix) {
                last.removeLast(suffix.count)
            }
            return last
        }
    }

    public var createdBy: Int64
    public var platforms: [PlatformArches]
    public var refs: [Ref]
    public var linkedBuilds: [Int64]
    public var isSecureBoot: Bool

    public init(createdBy: Int64, platforms: [PlatformArches], refs: [Ref], linkedBuilds: [Int64] = [], isSecureBoot: Bool = false) {
        self.createdBy = createdBy
        self.platforms = platforms
        self.refs = refs
        self.linkedBuilds = linkedBuilds
        self.isSecureBoot = isSecureBoot
    }
}
