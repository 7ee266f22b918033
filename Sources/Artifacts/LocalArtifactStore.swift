import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// The embedded default artifact store: repositories as folders under `root`
/// (`$KILN_HOME/artifacts`), each with a JSON manifest (`kiln-repository.json`: spec, labels,
/// version, content) and its files under `content/`. Uploaded artifacts live in
/// `root/.artifacts/<sha256>`; content metadata in `root/.content/`. Same semantics as the
/// Pulp store: idempotent ensure, listing by label, delete of absent is fine, sha256 checked.
/// An `rpm` repository's `content/` is a real yum repository: `createrepo_c` rewrites its
/// `repodata/` after every content change (``RepositoryMetadata``). `kiln serve` serves
/// `content/` at `<served base>/<name>/` (``serve(at:)``, `Server`'s `/repos/` route); until a
/// server says where, `url` is the `file://` URL of `content/`.
///
/// All of its work is file I/O (whole-file copies, sha256 of every artifact), so the actor runs
/// on a dedicated thread (``ioLoop``) rather than on Swift's cooperative pool: the async API
/// and the actor's one-call-at-a-time manifest updates stay as they are, and a large upload
/// never holds up a cooperative thread.
package actor LocalArtifactStore: ArtifactStore {
    package let root: URL
    package nonisolated let storeDescription: String
    /// Where `kiln serve` serves the repositories (`http://host:port/repos/`), nil when not served.
    let servedBase = NIOLockedValueBox<String?>(nil)

    /// The thread every local store's isolated code runs on: an event loop of its own, used for
    /// blocking file work only (it lives as long as the process).
    static let ioLoop: any EventLoop = MultiThreadedEventLoopGroup(numberOfThreads: 1).next()

    package nonisolated var unownedExecutor: UnownedSerialExecutor {
        Self.ioLoop.executor.asUnownedSerialExecutor()
    }
    static let manifestName = "kiln-repository.json"
    static let artifactPrefix = "/local/artifacts/"
    static let contentPrefix = "/local/content/"
    /// The folder of a repository holding its files (and `repodata/` for `rpm` repositories).
    static let contentFolder = "content"

    /// The store is there when its root folder exists or can be made (it is made on first use).
    package func checkHealth() async throws {
        do {
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        } catch {
            throw ArtifactStoreUnavailable("the artifact folder \(root.path) cannot be made: \(error)")
        }
    }

    /// `createrepo_c` for the `rpm` repositories.
    let metadata: RepositoryMetadata

    package init(root: URL) {
        self.root = root.standardizedFileURL
        self.metadata = RepositoryMetadata(root: root.standardizedFileURL)
        self.storeDescription = "local \(root.standardizedFileURL.path)"
    }

    package func shutdown() async throws {}

    /// Whether the calling code runs on ``ioLoop``'s thread (for tests).
    func isOnIOThread() -> Bool {
        Self.ioLoop.inEventLoop
    }

    struct Manifest: Codable {
        var spec: StoreRepositorySpec
        var version: Int
        var content: [StoreContent]
    }

    struct ContentRecord: Codable {
        var kind: StoreRepositoryKind
        var content: StoreContent
    }

    var fm: FileManager { FileManager.default }
    var artifactsDir: URL { root.appendingPathComponent(".artifacts", isDirectory: true) }
    var contentDir: URL { root.appendingPathComponent(".content", isDirectory: true) }
    func repoDir(_ name: String) -> URL { root.appendingPathComponent(name, isDirectory: true) }

    static func validate(_ name: String) throws {
        guard !name.isEmpty, name.count <= 200, !name.hasPrefix("."), !name.contains("/"), !name.contains("\0") else {
            throw ArtifactStoreError.invalidName(name)
        }
    }

    func readManifest(_ name: String) throws -> Manifest? {
        let url = repoDir(name).appendingPathComponent(Self.manifestName)
        guard let data = try? Data(contentsOf: url) else { return nil }
        return try JSONDecoder().decode(Manifest.self, from: data)
    }

    func writeManifest(_ m: Manifest) throws {
        let dir = repoDir(m.spec.name)
        try fm.createDirectory(at: dir, withIntermediateDirectories: true)
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .prettyPrinted]
        try e.encode(m).write(to: dir.appendingPathComponent(Self.manifestName), options: .atomic)
    }

    func describe(_ m: Manifest) -> StoreRepository {
        let dir = repoDir(m.spec.name)
        return StoreRepository(
            name: m.spec.name, kind: m.spec.kind, remoteURL: m.spec.remoteURL, basePath: m.spec.basePath,
            labels: m.spec.labels, href: dir.path, distributionHref: dir.path,
            remoteHref: m.spec.remoteURL.map { _ in dir.path + "#remote" }, url: url(of: m.spec.name),
            latestVersionHref: String(m.version))
    }

    /// The URL a repository is read at: served over HTTP once ``serve(at:)`` was called, else
    /// the `file://` URL of its `content/` folder.
    nonisolated func url(of name: String) -> String {
        if let base = servedBase.withLockedValue({ $0 }) { return base + name + "/" }
        return root.appendingPathComponent(name, isDirectory: true)
            .appendingPathComponent(Self.contentFolder, isDirectory: true).absoluteString
    }

    /// Records that `kiln serve` serves this store's repositories under `baseURL`
    /// (`http://host:port/repos/`): repository URLs reported from now on are under it.
    package nonisolated func serve(at baseURL: String) {
        let base = baseURL.hasSuffix("/") ? baseURL : baseURL + "/"
        servedBase.withLockedValue { $0 = base }
    }

    /// The file a request for `path` inside repository `name` reads, or nil when the name or a
    /// path segment is not one the store writes (empty, `.`/`..`, hidden, or a NUL): no
    /// traversal out of the repository's `content/` folder. Existence is the caller's check.
    package nonisolated func servedFile(repository name: String, path: [String]) -> URL? {
        guard (try? Self.validate(name)) != nil, !path.isEmpty else { return nil }
        var url = root.appendingPathComponent(name, isDirectory: true)
            .appendingPathComponent(Self.contentFolder, isDirectory: true)
        for segment in path {
            guard !segment.isEmpty, !segment.hasPrefix("."), !segment.contains("/"), !segment.contains("\0") else {
                return nil
            }
            url.appendPathComponent(segment)
        }
        return url
    }

    // MARK: repositories

    package func listManagedRepositories() async throws -> [StoreRepository] {
        guard fm.fileExists(atPath: root.path) else { return [] }
        return try fm.contentsOfDirectory(atPath: root.path).sorted().compactMap { name in
            guard !name.hasPrefix("."), let m = try readManifest(name),
                m.spec.labels[StoreRepositorySpec.managedLabelKey] == StoreRepositorySpec.managedLabelValue
            else { return nil }
            return describe(m)
        }
    }

    package func repository(named name: String) async throws -> StoreRepository? {
        try Self.validate(name)
        return try readManifest(name).map(describe)
    }

    package func ensureRepository(_ spec: StoreRepositorySpec) async throws -> StoreRepository {
        try Self.validate(spec.name)
        if var m = try readManifest(spec.name) {
            guard m.spec.kind == spec.kind else {
                throw ArtifactStoreError.kindMismatch(repository: spec.name, existing: m.spec.kind, wanted: spec.kind)
            }
            if m.spec != spec {
                m.spec = spec
                try writeManifest(m)
            }
            return describe(m)
        }
        let m = Manifest(spec: spec, version: 0, content: [])
        try writeManifest(m)
        if spec.kind == .rpm { try metadata.writeEmpty(in: contentURL(spec.name)) }
        return describe(m)
    }

    package func ensureRepositories(
        _ specs: [StoreRepositorySpec], maxConcurrent: Int = 8
    ) async throws -> [StoreRepository] {
        var out: [StoreRepository] = []
        for spec in specs { out.append(try await ensureRepository(spec)) }
        return out
    }

    package func deleteRepository(named name: String) async throws {
        try Self.validate(name)
        let dir = repoDir(name)
        if fm.fileExists(atPath: dir.path) { try fm.removeItem(at: dir) }
    }

    // MARK: artifacts and content

    package func uploadArtifact(file: URL) async throws -> UploadedArtifact {
        let (sha, size): (String, Int)
        do { (sha, size) = try SHA256Hex.digest(file: file) } catch {
            throw ArtifactStoreError.artifactNotFound(file.path)
        }
        try fm.createDirectory(at: artifactsDir, withIntermediateDirectories: true)
        let blob = artifactsDir.appendingPathComponent(sha)
        if !fm.fileExists(atPath: blob.path) {
            let tmp = artifactsDir.appendingPathComponent(".tmp-\(UUID().uuidString)")
            try fm.copyItem(at: file, to: tmp)
            try fm.moveItem(at: tmp, to: blob)
        }
        return UploadedArtifact(href: Self.artifactPrefix + sha + "/", sha256: sha, size: size)
    }

    /// `/local/artifacts/<sha256>/`: the hrefs ``uploadArtifact(file:)`` returns.
    package nonisolated func recognizesArtifact(href: String) -> Bool {
        guard href.hasPrefix(Self.artifactPrefix), href.hasSuffix("/") else { return false }
        let sha = href.dropFirst(Self.artifactPrefix.count).dropLast()
        return sha.count == 64 && sha.allSatisfy(\.isHexDigit)
    }

    package nonisolated var nodeUploadHint: String {
        "Kiln's artifact store is the local folder store at \(root.path) (KILN_PULP_URL is not set), which a build "
            + "node cannot upload to: start Kiln with KILN_PULP_URL (and KILN_PULP_USER, KILN_PULP_PASSWORD) set to "
            + "the Pulp the node uploads to (its pulp_host), as `make run` does"
    }

    func blob(forArtifact href: String) throws -> (URL, String) {
        guard href.hasPrefix(Self.artifactPrefix) else { throw ArtifactStoreError.artifactNotFound(href) }
        let sha = href.dropFirst(Self.artifactPrefix.count).trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        guard sha.count == 64, sha.allSatisfy(\.isHexDigit) else { throw ArtifactStoreError.artifactNotFound(href) }
        let url = artifactsDir.appendingPathComponent(sha)
        guard fm.fileExists(atPath: url.path) else { throw ArtifactStoreError.artifactNotFound(href) }
        return (url, sha)
    }

    package func importPackages(_ items: [ImportItem], into repository: String) async throws -> [ImportedPackage] {
        try Self.validate(repository)
        guard var m = try readManifest(repository) else { throw ArtifactStoreError.repositoryNotFound(repository) }
        // Verify every item first: nothing is added when one is bad.
        var prepared: [(URL, StoreContent)] = []
        for item in items {
            let (blob, recorded) = try blob(forArtifact: item.artifactHref)
            let actual = try SHA256Hex.digest(file: blob).sha256  // re-hash: the bytes are the truth
            guard actual == recorded, actual == item.sha256.lowercased() else {
                throw ArtifactStoreError.checksumMismatch(
                    href: item.artifactHref, expected: item.sha256, actual: actual)
            }
            guard !item.fileName.isEmpty, !item.fileName.contains("/"), !item.fileName.hasPrefix(".") else {
                throw ArtifactStoreError.invalidName(item.fileName)
            }
            var content: StoreContent
            switch m.spec.kind {
            case .rpm:
                let h = try RPMHeader(data: try Data(contentsOf: blob, options: .mappedIfSafe))
                content = StoreContent(
                    href: Self.contentPrefix + "rpm/\(actual)/", fileName: item.fileName, sha256: actual,
                    name: h.name, epoch: h.epoch, version: h.version, release: h.release, arch: h.arch)
            case .file:
                let id = SHA256Hex.digest(Data("\(actual)/\(item.fileName)".utf8))
                content = StoreContent(
                    href: Self.contentPrefix + "file/\(id)/", fileName: item.fileName, sha256: actual)
            }
            if let known = try contentRecord(content.href) { content = known.content }  // first import names it
            prepared.append((blob, content))
        }
        try fm.createDirectory(at: contentDir, withIntermediateDirectories: true)
        for (_, content) in prepared where try contentRecord(content.href) == nil {
            try JSONEncoder().encode(ContentRecord(kind: m.spec.kind, content: content))
                .write(to: contentRecordURL(content.href), options: .atomic)
        }
        try apply(&m, add: prepared.map(\.1), remove: [])
        return prepared.map(\.1)
    }

    func contentRecordURL(_ href: String) -> URL {
        contentDir.appendingPathComponent(SHA256Hex.digest(Data(href.utf8)) + ".json")
    }

    func contentRecord(_ href: String) throws -> ContentRecord? {
        guard let data = try? Data(contentsOf: contentRecordURL(href)) else { return nil }
        return try JSONDecoder().decode(ContentRecord.self, from: data)
    }

    /// Adds/removes content in a new version; files are copied into `<repo>/content/`.
    func apply(_ m: inout Manifest, add: [StoreContent], remove: [String]) throws {
        let dir = contentURL(m.spec.name)
        try fm.createDirectory(at: dir, withIntermediateDirectories: true)
        let removing = Set(remove)
        var content = m.content.filter { !removing.contains($0.href) }
        for c in add where !content.contains(where: { $0.href == c.href }) {
            // A unit with the same file name replaces the old one (as a new NEVRA would in Pulp).
            content.removeAll { $0.fileName == c.fileName }
            let dest = dir.appendingPathComponent(c.fileName)
            if fm.fileExists(atPath: dest.path) { try fm.removeItem(at: dest) }
            try fm.copyItem(at: artifactsDir.appendingPathComponent(c.sha256), to: dest)
            content.append(c)
        }
        for c in m.content where removing.contains(c.href) && !content.contains(where: { $0.fileName == c.fileName }) {
            try? fm.removeItem(at: dir.appendingPathComponent(c.fileName))
        }
        content.sort { $0.fileName < $1.fileName }
        guard content != m.content else { return }
        m.content = content
        m.version += 1
        // The metadata first: a manifest naming a version whose repodata is missing would be a lie.
        if m.spec.kind == .rpm { try metadata.update(dir) }
        try writeManifest(m)
    }

    func contentURL(_ name: String) -> URL {
        repoDir(name).appendingPathComponent(Self.contentFolder, isDirectory: true)
    }

    package func modifyContent(of repository: String, add: [String], remove: [String]) async throws {
        try Self.validate(repository)
        guard var m = try readManifest(repository) else { throw ArtifactStoreError.repositoryNotFound(repository) }
        var units: [StoreContent] = []
        for href in add {
            guard let r = try contentRecord(href) else { throw ArtifactStoreError.artifactNotFound(href) }
            guard r.kind == m.spec.kind else {
                throw ArtifactStoreError.kindMismatch(repository: repository, existing: m.spec.kind, wanted: r.kind)
            }
            units.append(r.content)
        }
        try apply(&m, add: units, remove: remove)
    }

    package func listContent(of repository: String) async throws -> [StoreContent] {
        try Self.validate(repository)
        guard let m = try readManifest(repository) else { throw ArtifactStoreError.repositoryNotFound(repository) }
        return m.content
    }
}
