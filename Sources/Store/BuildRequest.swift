import Statuses

/// A build to create: platforms × arches × refs become build tasks.
package struct BuildRequest: Sendable, Equatable {
    /// One platform and the arches to build for it (each must be in the platform's arch_list).
    package struct PlatformArches: Sendable, Equatable {
        package var name: String
        package var archList: [String]
        package init(name: String, archList: [String]) {
            self.name = name
            self.archList = archList
        }
    }

    /// A source to build (`build_task_refs`); its position in `refs` is the task index.
    package struct Ref: Sendable, Equatable {
        package var url: String
        package var gitRef: String?
        package var refType: RefType
        package var gitCommitHash: String?
        package init(url: String, gitRef: String? = nil, refType: RefType = .gitBranch, gitCommitHash: String? = nil) {
            self.url = url
            self.gitRef = gitRef
            self.refType = refType
            self.gitCommitHash = gitCommitHash
        }

        /// The project name a node may refuse through `excluded_packages`: the URL's last path
        /// component without `.git` or `.src.rpm`.
        package var packageName: String {
            var last = url.split(separator: "/").last.map(String.init) ?? url
            for suffix in [".git", ".src.rpm"] where last.hasSuffix(suffix) {
                last.removeLast(suffix.count)
            }
            return last
        }
    }

    package var createdBy: Int64
    package var platforms: [PlatformArches]
    package var refs: [Ref]
    package var linkedBuilds: [Int64]
    package var isSecureBoot: Bool

    package init(
        createdBy: Int64, platforms: [PlatformArches], refs: [Ref], linkedBuilds: [Int64] = [],
        isSecureBoot: Bool = false
    ) {
        self.createdBy = createdBy
        self.platforms = platforms
        self.refs = refs
        self.linkedBuilds = linkedBuilds
        self.isSecureBoot = isSecureBoot
    }
}
