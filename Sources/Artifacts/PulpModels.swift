import Foundation

/// Pulp object shapes Kiln reads (only the fields it needs).
struct PulpRepositoryObject: Decodable, Sendable {
    var pulpHref: String
    var name: String
    var pulpLabels: [String: String]?
    var latestVersionHref: String?
    var remote: String?

    /// The `fields=` of a bulk listing: exactly the properties above.
    static let listedFields = "pulp_href,name,pulp_labels,latest_version_href,remote"

    enum CodingKeys: String, CodingKey {
        case pulpHref = "pulp_href"
        case name
        case pulpLabels = "pulp_labels"
        case latestVersionHref = "latest_version_href"
        case remote
    }
}

struct PulpDistributionObject: Decodable, Sendable {
    var pulpHref: String
    var name: String
    var basePath: String
    var baseURL: String?
    var repository: String?
    var pulpLabels: [String: String]?

    /// The `fields=` of a bulk listing: exactly the properties above.
    static let listedFields = "pulp_href,name,base_path,base_url,repository,pulp_labels"

    enum CodingKeys: String, CodingKey {
        case pulpHref = "pulp_href"
        case name
        case basePath = "base_path"
        case baseURL = "base_url"
        case repository
        case pulpLabels = "pulp_labels"
    }
}

struct PulpRemoteObject: Decodable, Sendable {
    var pulpHref: String
    var name: String
    var url: String
    var pulpLabels: [String: String]?

    /// The `fields=` of a bulk listing: exactly the properties above.
    static let listedFields = "pulp_href,name,url,pulp_labels"

    enum CodingKeys: String, CodingKey {
        case pulpHref = "pulp_href"
        case name, url
        case pulpLabels = "pulp_labels"
    }
}

struct PulpArtifactObject: Decodable, Sendable {
    var pulpHref: String
    var sha256: String?
    var size: Int?
    enum CodingKeys: String, CodingKey {
        case pulpHref = "pulp_href"
        case sha256, size
    }
}

struct PulpPackageObject: Decodable, Sendable {
    var pulpHref: String
    var name: String
    var epoch: String
    var version: String
    var release: String
    var arch: String
    var sha256: String?
    var pkgId: String?
    var locationHref: String
    enum CodingKeys: String, CodingKey {
        case pulpHref = "pulp_href"
        case name, epoch, version, release, arch, sha256, pkgId
        case locationHref = "location_href"
    }
}

struct PulpFileObject: Decodable, Sendable {
    var pulpHref: String
    var relativePath: String
    var sha256: String?
    var digest: String?
    enum CodingKeys: String, CodingKey {
        case pulpHref = "pulp_href"
        case relativePath = "relative_path"
        case sha256, digest
    }
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
        if href.contains("/repositories/rpm/rpm/") {
            self = .rpm
        } else if href.contains("/repositories/file/file/") {
            self = .file
        } else {
            return nil
        }
    }
}
