import Foundation

/// Pulp object shapes Kiln reads (only the fields it needs).
struct PulpRepositoryObject: Decodable, Sendable {
    var pulp_href: String
    var name: String
    var pulp_labels: [String: String]?
    var latest_version_href: String?
    var remote: String?

    /// The `fields=` of a bulk listing: exactly the properties above.
    static let listedFields = "pulp_href,name,pulp_labels,latest_version_href,remote"
}

struct PulpDistributionObject: Decodable, Sendable {
    var pulp_href: String
    var name: String
    var base_path: String
    var base_url: String?
    var repository: String?
    var pulp_labels: [String: String]?

    /// The `fields=` of a bulk listing: exactly the properties above.
    static let listedFields = "pulp_href,name,base_path,base_url,repository,pulp_labels"
}

struct PulpRemoteObject: Decodable, Sendable {
    var pulp_href: String
    var name: String
    var url: String
    var pulp_labels: [String: String]?

    /// The `fields=` of a bulk listing: exactly the properties above.
    static let listedFields = "pulp_href,name,url,pulp_labels"
}

struct PulpArtifactObject: Decodable, Sendable {
    var pulp_href: String
    var sha256: String?
    var size: Int?
}

struct PulpPackageObject: Decodable, Sendable {
    var pulp_href: String
    var name: String
    var epoch: String
    var version: String
    var release: String
    var arch: String
    var sha256: String?
    var pkgId: String?
    var location_href: String
}

struct PulpFileObject: Decodable, Sendable {
    var pulp_href: String
    var relative_path: String
    var sha256: String?
    var digest: String?
}

extension StoreRepositoryKind {
    /// `rpm/rpm` or `file/file`: the plugin path segment of Pulp's endpoints.
    var pulpType: String { self == .rpm ? "rpm/rpm" : "file/file" }
    var repositories: String { "/pulp/api/v3/repositories/\(pulpType)/" }
    var distributions: String { "/pulp/api/v3/distributions/\(pulpType)/" }
    var remotes: String { "/pulp/api/v3/remotes/\(pulpType)/" }
    var publications: String { "/pulp/api/v3/publications/\(pulpType)/" }
    var content: String { self == .rpm ? "/pulp/api/v3/content/rpm/packages/" : "/pulp/api/v3/content/file/files/" }

    /// The kind of a Pulp repository href, nil for other plugins.
    init?(repositoryHref href: String) {
        if href.contains("/repositories/rpm/rpm/") { self = .rpm }
        else if href.contains("/repositories/file/file/") { self = .file }
        else { return nil }
    }
}
