import Foundation

/// A package file name a store can serve: non-empty, no `/`, no leading `.`, no NUL.
func validatePackageFileName(_ fileName: String) throws {
    guard !fileName.isEmpty, !fileName.contains("/"), !fileName.hasPrefix("."), !fileName.contains("\0") else {
        throw ArtifactStoreError.invalidName(fileName)
    }
}

/// Where a download is written before it is renamed to `destination` (same folder).
func partialDownloadURL(for destination: URL) -> URL {
    destination.deletingLastPathComponent()
        .appendingPathComponent(".\(destination.lastPathComponent).part-\(UUID().uuidString.prefix(8))")
}

/// Renames a finished download to `destination`, replacing what is there.
func finishDownload(_ partial: URL, at destination: URL) throws {
    // rename(2) replaces atomically; FileManager.moveItem refuses an existing destination.
    guard rename(partial.path, destination.path) == 0 else {
        let code = errno
        try? FileManager.default.removeItem(at: partial)
        throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: destination.path, "errno": code])
    }
}

extension PulpArtifactStore {
    /// GET of the package's content URL (the repository's distribution), streamed to disk.
    package func downloadPackage(fileName: String, in repository: String, to destination: URL) async throws {
        try validatePackageFileName(fileName)
        guard let repo = try await self.repository(named: repository) else {
            throw ArtifactStoreError.repositoryNotFound(repository)
        }
        guard let url = packageURL(fileName: fileName, in: repo) else {
            throw ArtifactStoreError.artifactNotFound("\(repository)/\(fileName) (the repository has no distribution)")
        }
        try await client.download(url, to: destination)
    }
}

extension LocalArtifactStore {
    /// A copy of the file in the repository's `content/` folder.
    package func downloadPackage(fileName: String, in repository: String, to destination: URL) async throws {
        try Self.validate(repository)
        try validatePackageFileName(fileName)
        guard let manifest = try readManifest(repository) else {
            throw ArtifactStoreError.repositoryNotFound(repository)
        }
        let source = contentURL(repository).appendingPathComponent(fileName)
        guard manifest.content.contains(where: { $0.fileName == fileName }), fm.fileExists(atPath: source.path) else {
            throw ArtifactStoreError.artifactNotFound("\(repository)/\(fileName)")
        }
        let partial = partialDownloadURL(for: destination)
        do {
            try fm.copyItem(at: source, to: partial)
        } catch {
            try? fm.removeItem(at: partial)
            throw error
        }
        try finishDownload(partial, at: destination)
    }
}
