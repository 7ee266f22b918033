import Foundation
import Spec

/// A desired-state folder read straight from disk (`kiln validate --dir`), for when there is no commit.
///
///     let files = try await SpecDirectory(path: "examples").files()
package struct SpecDirectory: Sendable, Hashable {
    package let path: String

    package init(path: String) {
        self.path = URL(fileURLWithPath: path).standardizedFileURL.path
    }

    /// Every regular file below the folder, paths relative to it, sorted; `.git` and other
    /// hidden folders are skipped. Symlinks are listed as `.symlink(target:)`, never followed, and
    /// files above `maxFileBytes` as `.tooLarge(bytes:)`, unread. Reads on NIO's blocking thread pool.
    package func files(maxFileBytes: Int = SpecRules.default.maxFileBytes) async throws -> [SpecFile] {
        try await LibGit2.offPool { [self] in try blockingFiles(maxFileBytes: maxFileBytes) }
    }

    /// `files()` on the calling thread.
    func blockingFiles(maxFileBytes: Int = SpecRules.default.maxFileBytes) throws -> [SpecFile] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw GitError(.pathNotFound, "'\(path)' is not a folder")
        }
        let root = URL(fileURLWithPath: path, isDirectory: true)
        guard
            let enumerator = FileManager.default.enumerator(
                at: root,
                includingPropertiesForKeys: [.isRegularFileKey, .isDirectoryKey, .isSymbolicLinkKey, .fileSizeKey],
                options: [.skipsHiddenFiles]
            )
        else {
            throw GitError(.pathNotFound, "cannot list '\(path)'")
        }
        let rootPath = root.standardizedFileURL.path
        var files: [SpecFile] = []
        for case let url as URL in enumerator {
            let values = try url.resourceValues(forKeys: [.isRegularFileKey, .isSymbolicLinkKey, .fileSizeKey])
            let full = url.standardizedFileURL.path
            guard full.hasPrefix(rootPath + "/") else { continue }
            let relative = String(full.dropFirst(rootPath.count + 1))
            if values.isSymbolicLink == true {
                let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: url.path)) ?? "?"
                files.append(SpecFile(path: relative, contents: [], entry: .symlink(target: target)))
                continue
            }
            guard values.isRegularFile == true else { continue }
            if let size = values.fileSize, size > maxFileBytes {
                files.append(SpecFile(path: relative, contents: [], entry: .tooLarge(bytes: size)))
                continue
            }
            let data = try Data(contentsOf: url)
            files.append(SpecFile(path: relative, contents: [UInt8](data)))
        }
        files.sort { $0.path < $1.path }
        return files
    }
}
