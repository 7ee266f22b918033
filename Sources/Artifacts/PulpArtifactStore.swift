import AsyncHTTPClient
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1

/// The artifact store on a real Pulp 3 (pulpcore + pulp_rpm) through its REST API.
///
/// Each Kiln repository is a Pulp repository (`autopublish: true`), a distribution serving
/// it (same name, `repository` set, so every new version is published and served) and,
/// when the spec has an upstream URL, a remote of the same name. All carry `pulpLabels`
/// from the spec, `managed-by: kiln` included.
package final class PulpArtifactStore: ArtifactStore {
    package let client: PulpClient
    /// `http://host:port/pulp/content/`, learnt from the first distribution seen.
    let contentOrigin = NIOLockedValueBox<String?>(nil)
    package var storeDescription: String { "pulp \(client.baseURL)" }
    static let labelSelector = "\(StoreRepositorySpec.managedLabelKey)=\(StoreRepositorySpec.managedLabelValue)"

    package init(client: PulpClient) {
        self.client = client
    }

    package convenience init(
        url: String, username: String, password: String, logger: Logger = Logger(label: "kiln.pulp")
    ) {
        self.init(client: PulpClient(baseURL: url, username: username, password: password, logger: logger))
    }

    package func shutdown() async throws {
        try await client.shutdown()
    }

    // MARK: reading

    /// Pulp answers its status endpoint (one try, 3 s at most).
    package func checkHealth() async throws {
        try await client.send(.GET, "/pulp/api/v3/status/", timeout: .seconds(3), retries: 0)
    }

    package func listManagedRepositories() async throws -> [StoreRepository] {
        let query = [("pulp_label_select", Self.labelSelector)]
        return try await withThrowingTaskGroup(of: [StoreRepository].self) { group in
            for kind in StoreRepositoryKind.allCases {
                group.addTask {
                    // Only the fields Kiln reads: Pulp's single API worker serializes every object, so
                    // smaller pages list 10,000 objects noticeably faster.
                    async let repos = self.client.listAll(
                        PulpRepositoryObject.self, kind.repositories,
                        query: query + [("fields", PulpRepositoryObject.listedFields)])
                    async let dists = self.client.listAll(
                        PulpDistributionObject.self, kind.distributions,
                        query: query + [("fields", PulpDistributionObject.listedFields)])
                    async let remotes = self.client.listAll(
                        PulpRemoteObject.self, kind.remotes,
                        query: query + [("fields", PulpRemoteObject.listedFields)])
                    let distByName = Dictionary(
                        (try await dists).map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
                    let remoteByHref = Dictionary(
                        (try await remotes).map { ($0.pulpHref, $0) }, uniquingKeysWith: { a, _ in a })
                    return try await repos.map { repo in
                        Self.assemble(
                            kind: kind, repo: repo, distribution: distByName[repo.name],
                            remote: repo.remote.flatMap { remoteByHref[$0] })
                    }
                }
            }
            var all: [StoreRepository] = []
            for try await part in group { all += part }
            return all.sorted { $0.name < $1.name }
        }
    }

    package func repository(named name: String) async throws -> StoreRepository? {
        for kind in StoreRepositoryKind.allCases {
            if let s = try await snapshot(name: name, kind: kind), let repo = s.repo {
                return Self.assemble(kind: kind, repo: repo, distribution: s.distribution, remote: s.remote)
            }
        }
        return nil
    }

    static func assemble(
        kind: StoreRepositoryKind, repo: PulpRepositoryObject, distribution: PulpDistributionObject?,
        remote: PulpRemoteObject?
    ) -> StoreRepository {
        StoreRepository(
            name: repo.name, kind: kind, remoteURL: remote?.url, basePath: distribution?.basePath,
            labels: repo.pulpLabels ?? [:], href: repo.pulpHref, distributionHref: distribution?.pulpHref,
            remoteHref: repo.remote, url: distribution?.baseURL, latestVersionHref: repo.latestVersionHref)
    }

    /// The repository, distribution and remote named `name` of one kind, each looked up by name.
    struct Snapshot: Sendable {
        var repo: PulpRepositoryObject?
        var distribution: PulpDistributionObject?
        var remote: PulpRemoteObject?
    }

    func snapshot(name: String, kind: StoreRepositoryKind) async throws -> Snapshot? {
        let q = [("name", name)]
        async let r = client.listAll(PulpRepositoryObject.self, kind.repositories, query: q, pageSize: 1)
        async let d = client.listAll(PulpDistributionObject.self, kind.distributions, query: q, pageSize: 1)
        async let m = client.listAll(PulpRemoteObject.self, kind.remotes, query: q, pageSize: 1)
        let s = Snapshot(repo: try await r.first, distribution: try await d.first, remote: try await m.first)
        return s.repo == nil && s.distribution == nil && s.remote == nil ? nil : s
    }

    func requireRepo(_ name: String) async throws -> (StoreRepositoryKind, PulpRepositoryObject) {
        for kind in StoreRepositoryKind.allCases {
            if let repo = try await client.listAll(
                PulpRepositoryObject.self, kind.repositories, query: [("name", name)], pageSize: 1
            ).first {
                return (kind, repo)
            }
        }
        throw ArtifactStoreError.repositoryNotFound(name)
    }

    // MARK: repositories

    package func ensureRepository(_ spec: StoreRepositorySpec) async throws -> StoreRepository {
        let existing = try await snapshot(name: spec.name, kind: spec.kind) ?? Snapshot()
        do {
            return try await converge(spec, existing)
        } catch let error as PulpError where existing.repo == nil && error.status == 400 {
            // A repository of the other kind with this name cannot be replaced silently.
            let other: StoreRepositoryKind = spec.kind == .rpm ? .file : .rpm
            if try await client.listAll(
                PulpRepositoryObject.self, other.repositories, query: [("name", spec.name)], pageSize: 1
            ).first != nil {
                throw ArtifactStoreError.kindMismatch(repository: spec.name, existing: other, wanted: spec.kind)
            }
            throw error
        }
    }

    /// Ensures many repositories: one bulk read of Kiln's objects, then only the writes that
    /// differ, `maxConcurrent` in flight. A name Kiln does not manage yet is created directly;
    /// if Pulp refuses (an unlabeled object of that name exists) it is looked up and adopted.
    package func ensureRepositories(
        _ specs: [StoreRepositorySpec], maxConcurrent: Int = 8
    ) async throws -> [StoreRepository] {
        let managed = Dictionary(
            try await listManagedRepositories().map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        return try await boundedMap(specs, maxConcurrent: maxConcurrent) { spec in
            if let have = managed[spec.name], have.kind == spec.kind {
                if have.matches(spec) { return have }
                return try await self.ensureRepository(spec)
            }
            do {
                return try await self.converge(spec, Snapshot())
            } catch let error as PulpError where error.kind == .http && error.status == 400 {
                return try await self.ensureRepository(spec)
            }
        }
    }

    func converge(_ spec: StoreRepositorySpec, _ existing: Snapshot) async throws -> StoreRepository {
        let kind = spec.kind
        // 1. remote
        var remote = existing.remote
        if let want = spec.remoteURL {
            if let have = remote {
                if have.url != want || (have.pulpLabels ?? [:]) != spec.labels {
                    try await client.write(
                        .PATCH, have.pulpHref, body: RemoteBody(name: spec.name, url: want, pulpLabels: spec.labels))
                    remote?.url = want
                    remote?.pulpLabels = spec.labels
                }
            } else {
                let href = try await client.write(
                    .POST, kind.remotes, body: RemoteBody(name: spec.name, url: want, pulpLabels: spec.labels))
                guard let h = href.first else { throw decodingError(kind.remotes, "no href for new remote") }
                remote = PulpRemoteObject(pulpHref: h, name: spec.name, url: want, pulpLabels: spec.labels)
            }
        }
        let wantRemoteHref = spec.remoteURL == nil ? nil : remote?.pulpHref

        // 2. repository
        var repo = existing.repo
        var created = false
        if let have = repo {
            if (have.pulpLabels ?? [:]) != spec.labels || have.remote != wantRemoteHref {
                try await client.write(
                    .PATCH, have.pulpHref,
                    body: RepositoryBody(
                        name: spec.name, pulpLabels: spec.labels, remote: wantRemoteHref, autopublish: true))
                repo?.pulpLabels = spec.labels
                repo?.remote = wantRemoteHref
            }
        } else {
            let href = try await client.write(
                .POST, kind.repositories,
                body: RepositoryBody(
                    name: spec.name, pulpLabels: spec.labels, remote: wantRemoteHref, autopublish: true))
            guard let h = href.first else { throw decodingError(kind.repositories, "no href for new repository") }
            repo = PulpRepositoryObject(
                pulpHref: h, name: spec.name, pulpLabels: spec.labels, latestVersionHref: h + "versions/0/",
                remote: wantRemoteHref)
            created = true
        }
        guard let repo else { throw decodingError(kind.repositories, "repository vanished") }

        // 3. a remote no longer wanted goes after the repository stopped pointing at it
        if spec.remoteURL == nil, let old = remote {
            try await deleteIgnoringAbsent(old.pulpHref)
            remote = nil
        }

        // 4. an empty repository serves valid (empty) metadata at once: publish version 0
        if created && spec.remoteURL == nil {
            try await client.write(.POST, kind.publications, body: PublicationBody(repository: repo.pulpHref))
        }

        // 5. distribution
        var dist = existing.distribution
        let distBody = DistributionBody(
            name: spec.name, basePath: spec.basePath, repository: repo.pulpHref, pulpLabels: spec.labels)
        if let have = dist {
            if have.basePath != spec.basePath || have.repository != repo.pulpHref
                || (have.pulpLabels ?? [:]) != spec.labels
            {
                try await client.write(.PATCH, have.pulpHref, body: distBody)
                dist = try await client.json(PulpDistributionObject.self, .GET, have.pulpHref)
            }
        } else {
            let href = try await client.write(.POST, kind.distributions, body: distBody)
            guard let h = href.first(where: { $0.contains("/distributions/") }) else {
                throw decodingError(kind.distributions, "no href for new distribution")
            }
            dist = PulpDistributionObject(
                pulpHref: h, name: spec.name, basePath: spec.basePath,
                baseURL: nil,
                repository: repo.pulpHref, pulpLabels: spec.labels)
        }
        if dist?.baseURL == nil, let d = dist {
            if let origin = contentOrigin.withLockedValue({ $0 }) {
                dist?.baseURL = origin + d.basePath + "/"
            } else {
                dist = try await client.json(PulpDistributionObject.self, .GET, d.pulpHref)
            }
        }
        if let d = dist, let url = d.baseURL, url.hasSuffix(d.basePath + "/") {
            let origin = String(url.dropLast(d.basePath.count + 1))
            contentOrigin.withLockedValue { $0 = origin }
        }
        return Self.assemble(kind: kind, repo: repo, distribution: dist, remote: remote)
    }

    package func deleteRepository(named name: String) async throws {
        for kind in StoreRepositoryKind.allCases {
            guard let s = try await snapshot(name: name, kind: kind) else { continue }
            if let d = s.distribution { try await deleteIgnoringAbsent(d.pulpHref) }
            if let r = s.repo { try await deleteIgnoringAbsent(r.pulpHref) }
            if let m = s.remote { try await deleteIgnoringAbsent(m.pulpHref) }
        }
    }

    func deleteIgnoringAbsent(_ href: String) async throws {
        let response = try await client.send(.DELETE, href, allow: [404])
        if response.status == 404 { return }
        _ = try await client.settle(response, method: .DELETE, href: href)
    }

    func decodingError(_ href: String, _ message: String) -> PulpError {
        PulpError(kind: .decoding, method: "POST", url: client.url(href), body: message)
    }

    // MARK: content

    package func uploadArtifact(file: URL) async throws -> UploadedArtifact {
        let data: Data
        do { data = try Data(contentsOf: file, options: .mappedIfSafe) } catch {
            throw ArtifactStoreError.artifactNotFound(file.path)
        }
        let sha = SHA256Hex.digest(data)
        if let have = try await artifact(sha256: sha) { return have }
        let boundary = "kiln-\(UUID().uuidString)"
        var body = ByteBuffer()
        body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"sha256\"\r\n\r\n\(sha)\r\n")
        body.writeString(
            "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(file.lastPathComponent.replacingOccurrences(of: "\"", with: "_"))\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        body.writeBytes(data)
        body.writeString("\r\n--\(boundary)--\r\n")
        let response = try await client.send(
            .POST, "/pulp/api/v3/artifacts/", body: body,
            contentType: "multipart/form-data; boundary=\(boundary)",
            timeout: .minutes(10), allow: [400])
        if response.status == 400 {
            // Uploaded concurrently by someone else: "Artifact with sha256 checksum ... already exists."
            if let have = try await artifact(sha256: sha) { return have }
            throw PulpError(
                kind: .http, status: 400, method: "POST", url: client.url("/pulp/api/v3/artifacts/"),
                body: response.text)
        }
        let a = try client.decode(PulpArtifactObject.self, response, method: .POST, href: "/pulp/api/v3/artifacts/")
        return UploadedArtifact(href: a.pulpHref, sha256: a.sha256 ?? sha, size: a.size ?? data.count)
    }

    func artifact(sha256: String) async throws -> UploadedArtifact? {
        let found = try await client.listAll(
            PulpArtifactObject.self, "/pulp/api/v3/artifacts/", query: [("sha256", sha256)], pageSize: 1)
        return found.first.map { UploadedArtifact(href: $0.pulpHref, sha256: $0.sha256 ?? sha256, size: $0.size ?? 0) }
    }

    package func importPackages(_ items: [ImportItem], into repository: String) async throws -> [ImportedPackage] {
        let (kind, repo) = try await requireRepo(repository)
        // Verify every artifact before anything is created.
        _ = try await boundedMap(items, maxConcurrent: 8) { item in
            let response = try await self.client.send(.GET, item.artifactHref, allow: [404])
            if response.status == 404 { throw ArtifactStoreError.artifactNotFound(item.artifactHref) }
            let a = try self.client.decode(PulpArtifactObject.self, response, method: .GET, href: item.artifactHref)
            let actual = (a.sha256 ?? "").lowercased()
            guard actual == item.sha256.lowercased() else {
                throw ArtifactStoreError.checksumMismatch(
                    href: item.artifactHref, expected: item.sha256, actual: actual)
            }
        }
        let contents = try await boundedMap(items, maxConcurrent: 4) { item in
            try await self.createContent(item, kind: kind)
        }
        try await modify(repo.pulpHref, add: contents.map(\.href), remove: [])
        return contents
    }

    func createContent(_ item: ImportItem, kind: StoreRepositoryKind) async throws -> StoreContent {
        let created = try await client.write(
            .POST, kind.content, body: ContentBody(artifact: item.artifactHref, relativePath: item.fileName))
        guard let href = created.first(where: { $0.contains("/content/") }) else {
            throw decodingError(kind.content, "no content href for \(item.fileName)")
        }
        let content = try await fetchContent(href, kind: kind)
        guard content.sha256.lowercased() == item.sha256.lowercased() else {
            throw ArtifactStoreError.checksumMismatch(href: href, expected: item.sha256, actual: content.sha256)
        }
        return content
    }

    func fetchContent(_ href: String, kind: StoreRepositoryKind) async throws -> StoreContent {
        switch kind {
        case .rpm: return Self.content(try await client.json(PulpPackageObject.self, .GET, href))
        case .file: return Self.content(try await client.json(PulpFileObject.self, .GET, href))
        }
    }

    static func content(_ p: PulpPackageObject) -> StoreContent {
        StoreContent(
            href: p.pulpHref, fileName: (p.locationHref as NSString).lastPathComponent,
            sha256: p.sha256 ?? p.pkgId ?? "", name: p.name, epoch: p.epoch, version: p.version,
            release: p.release, arch: p.arch)
    }

    static func content(_ f: PulpFileObject) -> StoreContent {
        StoreContent(href: f.pulpHref, fileName: f.relativePath, sha256: f.sha256 ?? f.digest ?? "")
    }

    package func modifyContent(of repository: String, add: [String], remove: [String]) async throws {
        let (_, repo) = try await requireRepo(repository)
        try await modify(repo.pulpHref, add: add, remove: remove)
    }

    func modify(_ repoHref: String, add: [String], remove: [String]) async throws {
        guard !add.isEmpty || !remove.isEmpty else { return }
        try await client.write(
            .POST, repoHref + "modify/", body: ModifyBody(addContentUnits: add, removeContentUnits: remove))
    }

    package func listContent(of repository: String) async throws -> [StoreContent] {
        let (kind, repo) = try await requireRepo(repository)
        guard let version = repo.latestVersionHref else { return [] }
        let q = [("repository_version", version)]
        switch kind {
        case .rpm:
            let fields = "pulp_href,name,epoch,version,release,arch,sha256,pkgId,location_href"
            return try await client.listAll(PulpPackageObject.self, kind.content, query: q + [("fields", fields)]).map(
                Self.content)
        case .file:
            return try await client.listAll(PulpFileObject.self, kind.content, query: q).map(Self.content)
        }
    }
}

// MARK: request bodies

struct RemoteBody: Encodable {
    var name: String
    var url: String
    var pulpLabels: [String: String]
    enum CodingKeys: String, CodingKey {
        case name, url
        case pulpLabels = "pulp_labels"
    }
}

struct RepositoryBody: Encodable {
    var name: String
    var pulpLabels: [String: String]
    var remote: String?
    var autopublish: Bool
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(pulpLabels, forKey: .pulpLabels)
        try c.encode(remote, forKey: .remote)  // explicit null detaches a remote
        try c.encode(autopublish, forKey: .autopublish)
    }
    enum CodingKeys: String, CodingKey {
        case name
        case pulpLabels = "pulp_labels"
        case remote, autopublish
    }
}

struct DistributionBody: Encodable {
    var name: String
    var basePath: String
    var repository: String
    var pulpLabels: [String: String]
    enum CodingKeys: String, CodingKey {
        case name
        case basePath = "base_path"
        case repository
        case pulpLabels = "pulp_labels"
    }
}

struct PublicationBody: Encodable {
    var repository: String
}

struct ContentBody: Encodable {
    var artifact: String
    var relativePath: String
    enum CodingKeys: String, CodingKey {
        case artifact
        case relativePath = "relative_path"
    }
}

struct ModifyBody: Encodable {
    var addContentUnits: [String]
    var removeContentUnits: [String]
    enum CodingKeys: String, CodingKey {
        case addContentUnits = "add_content_units"
        case removeContentUnits = "remove_content_units"
    }
}
