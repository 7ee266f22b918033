import Foundation
import Statuses

/// One RPM of a build that a release may place: an `artifacts` row of type `rpm`.
package struct ReleaseCandidate: Sendable, Hashable, Codable {
    package var artifactID: Int64
    package var buildID: Int64
    /// The RPM file name (`bash-5.1-1.el9.x86_64.rpm`).
    package var fileName: String
    package var name: String
    /// "0" when the package has none.
    package var epoch: String
    package var version: String
    package var release: String
    /// RPM arch: `x86_64`, `i686`, `noarch`, `src`, ...
    package var arch: String
    /// The store content href (the signed package once signed).
    package var href: String
    package var sha256: String
    /// Signed, and the signature verified by Kiln against the key (`SignVerification`).
    package var signed: Bool
    /// The name of the sign key that signed it; nil when unsigned.
    package var signKey: String?
    /// The platform of the build task that made it.
    package var platform: String

    package init(
        artifactID: Int64, buildID: Int64, fileName: String, name: String, epoch: String, version: String,
        release: String, arch: String, href: String, sha256: String, signed: Bool, signKey: String?,
        platform: String = ""
    ) {
        self.platform = platform
        self.artifactID = artifactID
        self.buildID = buildID
        self.fileName = fileName
        self.name = name
        self.epoch = epoch
        self.version = version
        self.release = release
        self.arch = arch
        self.href = href
        self.sha256 = sha256
        self.signed = signed
        self.signKey = signKey
    }

    /// `name-[epoch:]version-release.arch`.
    package var nevra: String {
        "\(name)-\(epoch.isEmpty || epoch == "0" ? "" : "\(epoch):")\(version)-\(release).\(arch)"
    }
}

/// What the database knows of the builds a release names.
package struct ReleaseBuildFacts: Sendable, Hashable, Codable {
    /// The RPMs of the builds, by artifact id.
    package var candidates: [ReleaseCandidate]
    /// Build ids that exist.
    package var existing: Set<Int64>
    /// Each existing build's test outcome (latest revision of each task's tests).
    package var tests: [Int64: TestOutcomeName]
    /// The sign keys (names) each platform accepts (`sign_key_platforms`), by platform name.
    package var platformKeys: [String: Set<String>]

    package init(
        candidates: [ReleaseCandidate] = [], existing: Set<Int64> = [], tests: [Int64: TestOutcomeName] = [:],
        platformKeys: [String: Set<String>] = [:]
    ) {
        self.candidates = candidates
        self.existing = existing
        self.tests = tests
        self.platformKeys = platformKeys
    }
}

/// A build's test outcome, as a plain value the planner can read (`TestOutcome`'s raw values).
package enum TestOutcomeName: String, Sendable, Hashable, Codable {
    case passed, failed, pending, none
}

/// A release row as the committer sees it.
package struct ReleaseRow: Sendable, Hashable, Codable {
    package var id: Int64
    package var name: String
    package var status: ReleaseStatus
    /// The operation in progress (status 2) or last done: `commit` or `revert`.
    package var operation: ReleaseOperationName?

    package init(id: Int64, name: String, status: ReleaseStatus, operation: ReleaseOperationName?) {
        self.id = id
        self.name = name
        self.status = status
        self.operation = operation
    }
}

/// `releases.operation`.
package enum ReleaseOperationName: String, Sendable, Hashable, Codable {
    case commit, revert
}

/// One unit of a commit's journal (`release_units`): a content unit the release puts into a
/// production store repository, and whether that repository held it before.
package struct ReleaseUnit: Sendable, Hashable, Codable {
    package var storeRepository: String
    package var contentHref: String
    package var fileName: String
    package var nevra: String
    package var sha256: String
    package var buildID: Int64?
    package var artifactID: Int64?
    package var alreadyPresent: Bool

    package init(
        storeRepository: String, contentHref: String, fileName: String, nevra: String, sha256: String,
        buildID: Int64?, artifactID: Int64?, alreadyPresent: Bool
    ) {
        self.storeRepository = storeRepository
        self.contentHref = contentHref
        self.fileName = fileName
        self.nevra = nevra
        self.sha256 = sha256
        self.buildID = buildID
        self.artifactID = artifactID
        self.alreadyPresent = alreadyPresent
    }

    enum CodingKeys: String, CodingKey {
        case storeRepository = "store_repository"
        case contentHref = "content_href"
        case fileName = "file_name"
        case nevra, sha256
        case buildID = "build_id"
        case artifactID = "artifact_id"
        case alreadyPresent = "already_present"
    }
}

/// A release commit or revert could not be recorded as asked.
package enum ReleaseStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    case releaseNotFound(String)

    package var description: String {
        switch self {
        case .releaseNotFound(let name): "release \"\(name)\" has no row (apply the desired state first)"
        }
    }
}

/// One unit a build added to a distribution's store repository (`distribution_units`).
package struct DistributionUnit: Sendable, Hashable, Codable {
    package var distribution: String
    package var buildID: Int64
    package var storeRepository: String
    package var contentHref: String
    package var fileName: String
    package var nevra: String
    package var sha256: String
    package var alreadyPresent: Bool

    package init(
        distribution: String, buildID: Int64, storeRepository: String, contentHref: String, fileName: String,
        nevra: String, sha256: String, alreadyPresent: Bool
    ) {
        self.distribution = distribution
        self.buildID = buildID
        self.storeRepository = storeRepository
        self.contentHref = contentHref
        self.fileName = fileName
        self.nevra = nevra
        self.sha256 = sha256
        self.alreadyPresent = alreadyPresent
    }
}
