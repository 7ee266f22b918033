import Artifacts
import HTTPTypes
import Logging
import Statuses
import Store

/// Puts what a node reported for a task into the artifact store: RPMs into the build's
/// per-platform, per-arch repositories (`rpm`, `debug` for debuginfo/debugsource, `src`),
/// noarch RPMs also into every other arch's `rpm` repository of the platform, logs into the
/// task arch's `log` (file) repository. Repositories are created on first use and recorded in
/// `build_repositories`, which is what `get_task` lists for later tasks.
struct BuildArtifactImporter: Sendable {
    let store: any ArtifactStore
    let repositories: BuildRepositoryStore
    let locks: RepositoryLocks
    let prefix: String

    /// The store name of a build repository.
    static func repositoryName(
        prefix: String, buildID: Int64, platform: String, arch: String, kind: BuildRepositoryKind
    ) -> String {
        let safe = platform.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." ? $0 : "_" }
        return "\(prefix)-\(buildID)-\(String(safe))-\(arch)-\(kind.rawValue)"
    }

    /// The arch of an RPM file name (`bash-5.1-1.el9.x86_64.rpm` -> `x86_64`, `.src.rpm` -> `src`).
    static func rpmArch(fileName: String) -> String? {
        guard fileName.hasSuffix(".rpm") else { return nil }
        let stem = fileName.dropLast(4)
        guard let dot = stem.lastIndex(of: "."), stem.index(after: dot) < stem.endIndex else { return nil }
        let arch = String(stem[stem.index(after: dot)...])
        return arch.isEmpty ? nil : arch
    }

    static func isDebug(fileName: String) -> Bool {
        fileName.contains("-debuginfo-") || fileName.contains("-debugsource-")
    }

    /// Validates the artifacts before anything is touched (a bad name, a NUL or an over-long
    /// field is a 422, nothing changed: no artifact-store write, no `build_repositories` row).
    static func validate(_ artifacts: [BuildDoneArtifact]) throws {
        for artifact in artifacts {
            try InputCheck.text(artifact.name, "artifacts: name", maxLength: InputCheck.nameLength)
            try InputCheck.text(artifact.href, "artifacts: href", maxLength: InputCheck.urlLength)
            try InputCheck.text(artifact.path, "artifacts: path", maxLength: InputCheck.urlLength)
            try InputCheck.text(artifact.casHash, "artifacts: cas_hash", maxLength: InputCheck.hashLength)
            if artifact.name.isEmpty || artifact.name.contains("/") || artifact.name == "." || artifact.name == ".." {
                throw APIError(.unprocessableContent, "artifacts: invalid name '\(artifact.name)'")
            }
            if artifact.href.isEmpty {
                throw APIError(.unprocessableContent, "artifacts: href of \(artifact.name) is empty")
            }
            if artifact.type == .rpm && rpmArch(fileName: artifact.name) == nil {
                throw APIError(
                    .unprocessableContent,
                    "artifacts: \(artifact.name) is not an RPM file name (name-version-release.arch.rpm)")
            }
            guard let sha = artifact.sha256, sha.count == 64, sha.allSatisfy(\.isHexDigit) else {
                throw APIError(.unprocessableContent, "artifacts: sha256 of \(artifact.name) must be 64 hex digits")
            }
        }
    }

    func importArtifacts(_ artifacts: [BuildDoneArtifact], task: HeldTask) async throws -> [ArtifactRecord] {
        guard !artifacts.isEmpty else { return [] }
        // Group by target repository kind, keeping the order given.
        var groups: [(kind: BuildRepositoryKind, items: [BuildDoneArtifact])] = []
        func add(_ kind: BuildRepositoryKind, _ artifact: BuildDoneArtifact) {
            if let i = groups.firstIndex(where: { $0.kind == kind }) {
                groups[i].items.append(artifact)
            } else {
                groups.append((kind, [artifact]))
            }
        }
        for artifact in artifacts {
            switch artifact.type {
            case .buildLog: add(.log, artifact)
            case .rpm:
                let arch = Self.rpmArch(fileName: artifact.name)
                if arch == "src" {
                    add(.src, artifact)
                } else if Self.isDebug(fileName: artifact.name) {
                    add(.debug, artifact)
                } else {
                    add(.rpm, artifact)
                }
            }
        }
        var records: [ArtifactRecord] = []
        for group in groups {
            let repository = try await ensure(task: task, arch: task.arch, kind: group.kind)
            let items = group.items.map { artifact in
                ImportItem(
                    artifactHref: artifact.href, sha256: artifact.sha256 ?? "",
                    fileName: group.kind == .log ? "task-\(task.id)-\(artifact.name)" : artifact.name)
            }
            let imported = try await store.importPackages(items, into: repository.name)
            for (artifact, content) in zip(group.items, imported) {
                var record = ArtifactRecord(
                    name: artifact.name, type: artifact.type, href: content.href,
                    sha256: artifact.sha256?.lowercased(), path: artifact.path, casHash: artifact.casHash,
                    arch: artifact.type == .rpm ? (content.arch ?? Self.rpmArch(fileName: artifact.name)) : nil,
                    url: group.kind == .src ? store.packageURL(fileName: content.fileName, in: repository) : nil)
                if artifact.type == .rpm, let name = content.name, let version = content.version,
                    let release = content.release
                {
                    let epoch = content.epoch.flatMap { $0.isEmpty ? nil : $0 } ?? "0"
                    record.rpm = RPMFields(name: name, epoch: epoch, version: version, release: release)
                }
                records.append(record)
            }
            if group.kind == .rpm {
                let noarch = zip(group.items, imported).filter { Self.rpmArch(fileName: $0.0.name) == "noarch" }.map(
                    \.1.href)
                if !noarch.isEmpty {
                    for arch in task.platformArches where arch != task.arch {
                        let other = try await ensure(task: task, arch: arch, kind: .rpm)
                        try await store.modifyContent(of: other.name, add: noarch, remove: [])
                    }
                }
            }
        }
        return records
    }

    private func ensure(task: HeldTask, arch: String, kind: BuildRepositoryKind) async throws -> StoreRepository {
        let name = Self.repositoryName(
            prefix: prefix, buildID: task.buildID, platform: task.platformName, arch: arch, kind: kind)
        let spec = StoreRepositorySpec(
            name: name, kind: kind == .log ? .file : .rpm,
            labels: ["kiln-build": String(task.buildID), "kiln-kind": kind.rawValue, "kiln-arch": arch])
        let repository = try await locks.ensure(spec, in: store)
        try await repositories.record(
            BuildRepositoryRecord(
                buildID: task.buildID, platformID: task.platformID, arch: arch, kind: kind, name: name,
                url: repository.url ?? "", pulpHref: repository.href))
        return repository
    }
}

extension BuildArtifactImporter {
    /// 422 when an artifact's href is not one the configured store hands out, with a detail
    /// naming the store and what the node must upload to. Shape only, no request per artifact:
    /// `build_done` stays cheap and answers while the store is down; the import checks the rest.
    static func checkResolvable(_ artifacts: [BuildDoneArtifact], in store: any ArtifactStore) throws {
        for artifact in artifacts where !store.recognizesArtifact(href: artifact.href) {
            throw APIError(
                .unprocessableContent,
                "artifacts: href '\(artifact.href)' of \(artifact.name) is not an artifact of Kiln's artifact store. "
                    + store.nodeUploadHint)
        }
    }
}
