import CGit2
import Spec

extension GitRepository {
    /// Every regular file of `commit`'s tree below `prefix`, read from the object database (not
    /// the work tree), sorted by path. Paths are relative to `prefix` (`--path examples` yields
    /// `platforms/almalinux-9.yml`). Symlinks and submodules are skipped. `commit` may be any
    /// ref that `resolve` accepts.
    package func files(at commit: String, under prefix: String? = nil) async throws -> [SpecFile] {
        try await LibGit2.offPool { [self] in try blockingFiles(at: commit, under: prefix) }
    }

    /// One file of `commit` at `path` (relative to the repository root), or nil if absent.
    package func file(at commit: String, path filePath: String) async throws -> SpecFile? {
        try await LibGit2.offPool { [self] in try blockingFile(at: commit, path: filePath) }
    }

    /// `files(at:under:)` on the calling thread.
    func blockingFiles(at commit: String, under prefix: String?) throws -> [SpecFile] {
        let prefix = Self.normalize(prefix: prefix)
        return try LibGit2.withRepository(at: path) { repo in
            guard let tree = try Self.tree(repo, commit, under: prefix) else { return [] }
            defer { git_tree_free(tree) }
            var files: [SpecFile] = []
            try Self.collect(repo, tree, base: "", into: &files)
            files.sort { $0.path < $1.path }
            return files
        }
    }

    /// `file(at:path:)` on the calling thread.
    func blockingFile(at commit: String, path filePath: String) throws -> SpecFile? {
        let filePath = Self.normalize(prefix: filePath)
        return try LibGit2.withRepository(at: path) { repo in
            guard let tree = try Self.tree(repo, commit, under: "") else { return nil }
            defer { git_tree_free(tree) }
            var entry: OpaquePointer?
            let code = git_tree_entry_bypath(&entry, tree, filePath)
            if code == GIT_ENOTFOUND.rawValue { return nil }
            try LibGit2.check(code, "cannot read '\(filePath)' at '\(commit)'")
            guard let entry else { return nil }
            defer { git_tree_entry_free(entry) }
            let mode = git_tree_entry_filemode(entry)
            guard mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE else { return nil }
            return SpecFile(path: filePath, contents: try Self.blobBytes(repo, git_tree_entry_id(entry), filePath))
        }
    }

    /// Depth-first walk of `tree`, appending regular files with paths below `base`.
    private static func collect(
        _ repo: OpaquePointer, _ tree: OpaquePointer, base: String, into files: inout [SpecFile]
    ) throws {
        let count = git_tree_entrycount(tree)
        for index in 0..<count {
            guard let entry = git_tree_entry_byindex(tree, index) else { continue }
            let name = String(cString: git_tree_entry_name(entry))
            let entryPath = base.isEmpty ? name : base + "/" + name
            let mode = git_tree_entry_filemode(entry)
            if mode == GIT_FILEMODE_TREE {
                var subtree: OpaquePointer?
                try LibGit2.check(
                    git_tree_lookup(&subtree, repo, git_tree_entry_id(entry)), "cannot read folder '\(entryPath)'")
                guard let subtree else { continue }
                defer { git_tree_free(subtree) }
                try collect(repo, subtree, base: entryPath, into: &files)
            } else if mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE {
                files.append(
                    SpecFile(path: entryPath, contents: try blobBytes(repo, git_tree_entry_id(entry), entryPath)))
            }
        }
    }

    /// The raw bytes of a blob (no filters, no line-ending conversion).
    private static func blobBytes(
        _ repo: OpaquePointer, _ oid: UnsafePointer<git_oid>!, _ path: String
    ) throws -> [UInt8] {
        var blob: OpaquePointer?
        try LibGit2.check(git_blob_lookup(&blob, repo, oid), "cannot read file '\(path)'")
        guard let blob else { return [] }
        defer { git_blob_free(blob) }
        let size = Int(git_blob_rawsize(blob))
        guard size > 0, let raw = git_blob_rawcontent(blob) else { return [] }
        return Array(UnsafeRawBufferPointer(start: raw, count: size))
    }
}
