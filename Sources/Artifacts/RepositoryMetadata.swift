import Foundation
import Processes

/// Writes the yum repository metadata (`repodata/`) of the local store's `rpm` repositories with
/// `createrepo_c` (Debian package `createrepo-c`), so dnf and mock can read them.
///
/// Its calls block: the local store makes them on its own I/O thread (`LocalArtifactStore.ioLoop`),
/// never on Swift's cooperative pool, and one at a time, as every other change of the store.
struct RepositoryMetadata: Sendable {
    /// The store's root: the metadata of an empty repository is made once under it and copied.
    let root: URL
    /// No sqlite databases (dnf reads the XML); gzip, which every yum and dnf reads (createrepo_c
    /// 0.17 would write zstd).
    static let options = ["--quiet", "--no-database", "--general-compress-type=gz"]

    /// Rewrites `folder/repodata/` for the packages now in `folder` (`--update` reuses what
    /// is unchanged).
    func update(_ folder: URL) throws {
        try run(Self.options + ["--workers", "2", "--update", folder.path])
    }

    /// Gives `folder` the metadata of an empty repository unless it has metadata: a copy of one
    /// made once per store, not a `createrepo_c` run per repository.
    func writeEmpty(in folder: URL) throws {
        let fm = FileManager.default
        let target = folder.appendingPathComponent("repodata", isDirectory: true)
        guard !fm.fileExists(atPath: target.appendingPathComponent("repomd.xml").path) else { return }
        let template = root.appendingPathComponent(".empty-repository", isDirectory: true)
        let templateData = template.appendingPathComponent("repodata", isDirectory: true)
        if !fm.fileExists(atPath: templateData.appendingPathComponent("repomd.xml").path) {
            try fm.createDirectory(at: template, withIntermediateDirectories: true)
            try run(Self.options + [template.path])
        }
        try fm.createDirectory(at: folder, withIntermediateDirectories: true)
        let staging = folder.appendingPathComponent(".repodata-\(UUID().uuidString)", isDirectory: true)
        try fm.copyItem(at: templateData, to: staging)
        try fm.moveItem(at: staging, to: target)
    }

    private func run(_ arguments: [String]) throws {
        let result: ProcessResult
        do {
            result = try ProcessRunner.runSync("/usr/bin/env", ["createrepo_c"] + arguments)
        } catch {
            throw RepositoryMetadataError(message: "\(error)")
        }
        guard result.succeeded else {
            let hint = result.status == 127 ? " (not installed? Debian package createrepo-c)" : ""
            throw RepositoryMetadataError(
                message: "createrepo_c exited with status \(result.status)\(hint): "
                    + result.output.trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }
}

/// `createrepo_c` could not write a local repository's metadata.
package struct RepositoryMetadataError: Error, Sendable, CustomStringConvertible {
    package var message: String
    package var description: String { "artifact store: repository metadata: \(message)" }
}
