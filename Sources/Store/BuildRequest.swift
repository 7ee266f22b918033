import Statuses

/// A build to create: platforms × (`src` + arches) × refs become build tasks.
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
        /// The ref's `mock_options` as JSON text (an object), nil when none was given.
        package var mockOptionsJSON: String?
        /// The ref's `test_configuration` as JSON text (an object), nil when none was given.
        package var testConfigurationJSON: String?
        package init(
            url: String, gitRef: String? = nil, refType: RefType = .gitBranch, gitCommitHash: String? = nil,
            mockOptionsJSON: String? = nil, testConfigurationJSON: String? = nil
        ) {
            self.url = url
            self.gitRef = gitRef
            self.refType = refType
            self.gitCommitHash = gitCommitHash
            self.mockOptionsJSON = mockOptionsJSON
            self.testConfigurationJSON = testConfigurationJSON
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

        /// What a node's `excluded_packages` is matched against (lowercased, as ALBS's `ILIKE`):
        /// the whole URL, or for a `.src.rpm` ref the package name of its file name.
        package var excludeKey: String {
            if let name = Self.sourcePackageName(url: url) { return name.lowercased() }
            return url.lowercased()
        }

        /// The package name of a `name-version-release.src.rpm` URL (`bash-5.1-2.el9.src.rpm` ->
        /// `bash`); nil when the URL's last component is not such a file name.
        package static func sourcePackageName(url: String) -> String? {
            guard var last = url.split(separator: "/").last.map(String.init) else { return nil }
            if let query = last.firstIndex(where: { $0 == "?" || $0 == "#" }) { last = String(last[..<query]) }
            guard last.hasSuffix(".src.rpm") else { return nil }
            let nvr = last.dropLast(".src.rpm".count).split(separator: "-", omittingEmptySubsequences: false)
            guard nvr.count >= 3 else { return nil }
            let name = nvr.dropLast(2).joined(separator: "-")
            return name.isEmpty ? nil : name
        }
    }

    package var createdBy: Int64
    package var platforms: [PlatformArches]
    package var refs: [Ref]
    package var linkedBuilds: [Int64]
    package var isSecureBoot: Bool
    /// The build's `mock_options` as JSON text (an object).
    package var mockOptionsJSON: String
    package var productID: Int64?
    /// Platform flavor ids, in the order given (each must exist).
    package var platformFlavorIDs: [Int64]
    package var parallelModeEnabled: Bool
    /// No test tasks for this build (`skip_tests`).
    package var skipTests: Bool

    package init(
        createdBy: Int64, platforms: [PlatformArches], refs: [Ref], linkedBuilds: [Int64] = [],
        isSecureBoot: Bool = false, mockOptionsJSON: String = "{}", productID: Int64? = nil,
        platformFlavorIDs: [Int64] = [], parallelModeEnabled: Bool = false, skipTests: Bool = false
    ) {
        self.createdBy = createdBy
        self.platforms = platforms
        self.refs = refs
        self.linkedBuilds = linkedBuilds
        self.isSecureBoot = isSecureBoot
        self.mockOptionsJSON = mockOptionsJSON
        self.productID = productID
        self.platformFlavorIDs = platformFlavorIDs
        self.parallelModeEnabled = parallelModeEnabled
        self.skipTests = skipTests
    }

    /// The arch of the source RPM task every ref × platform starts with.
    package static let sourceArch = "src"

    /// Tasks the build has: refs × (1 `src` + arches) of every platform (Int.max on overflow).
    package static func taskCount(refs: Int, archCounts: [Int]) -> Int {
        var perRef = 0
        for count in archCounts {
            let (sum, overflow) = perRef.addingReportingOverflow(count + 1)
            if overflow { return Int.max }
            perRef = sum
        }
        let (product, overflow) = perRef.multipliedReportingOverflow(by: refs)
        return overflow ? Int.max : product
    }
}
