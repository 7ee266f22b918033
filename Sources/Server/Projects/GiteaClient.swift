import Foundation
import Store

/// Reads an organization's repositories, tags and branches through Gitea's API
/// (`/api/v1/orgs/{org}/repos`, `/repos/{owner}/{repo}/tags`, `/branches`), page by page.
package struct GiteaClient: Sendable {
    /// Gitea's largest page.
    static let pageSize = 50
    /// Most pages read of one listing (50 x 400 = 20,000 items).
    static let maxPages = 400

    let baseURL: String
    let http: OutboundHTTP

    /// A client of the Gitea at `baseURL` (`https://git.almalinux.org`).
    package init(baseURL: String, http: OutboundHTTP = OutboundHTTP()) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.http = http
    }

    /// A repository as the organization listing shows it.
    package struct Repository: Decodable, Sendable {
        package var name: String
        package var fullName: String
        package var cloneURL: String
        package var updatedAt: String?
        package var empty: Bool?

        enum CodingKeys: String, CodingKey {
            case name, empty
            case fullName = "full_name"
            case cloneURL = "clone_url"
            case updatedAt = "updated_at"
        }
    }

    private struct Named: Decodable {
        var name: String
    }

    package struct Failure: Error, CustomStringConvertible {
        package var description: String
    }

    /// Every repository of `organization`.
    package func repositories(of organization: String) async throws -> [Repository] {
        try await pages("/orgs/\(escaped(organization))/repos", as: Repository.self)
    }

    /// The tag names of `fullName` (`owner/repo`).
    package func tags(of fullName: String) async throws -> [String] {
        try await pages("/repos/\(escapedPath(fullName))/tags", as: Named.self).map(\.name)
    }

    /// The branch names of `fullName`.
    package func branches(of fullName: String) async throws -> [String] {
        try await pages("/repos/\(escapedPath(fullName))/branches", as: Named.self).map(\.name)
    }

    private func pages<T: Decodable>(_ path: String, as type: T.Type) async throws -> [T] {
        var items: [T] = []
        for page in 1...Self.maxPages {
            let url = OutboundHTTP.url(
                baseURL + "/api/v1" + path, query: [("page", String(page)), ("limit", String(Self.pageSize))])
            let answer = try await http.get(url, headers: [("Accept", "application/json")])
            guard answer.status == 200 else { throw Failure(description: "\(url) answered HTTP \(answer.status)") }
            guard let batch = answer.json([T].self) else {
                throw Failure(description: "\(url) did not answer a JSON list")
            }
            items += batch
            if batch.count < Self.pageSize { break }
        }
        return items
    }

    private func escaped(_ segment: String) -> String {
        OutboundHTTP.percentEncoded(segment)
    }

    private func escapedPath(_ fullName: String) -> String {
        fullName.split(separator: "/", omittingEmptySubsequences: false).map { escaped(String($0)) }
            .joined(separator: "/")
    }
}
