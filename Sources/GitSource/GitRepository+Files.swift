import CGit2
import Spec

extension GitRepository {
    /// Every regular file of `commit`'s tree below `prefix`, read from the object database (not
    /// the work tree), sorted by path. Paths are relative to `prefix` (`--path examples` yields
    /// `platforms/almalinux-9.yml`). Submodules are skipped; a symlink is listed as
    /// `.symlink(target:)` (never followed) and a blob larger than `maxFileBytes` as
    /// `.tooLarge(bytes:)` without reading it, so the loader can refuse both at their path.
    /// `commit` may be any ref that `resolve` accepts.
    package func files(
        at commit: String, under prefix: String? = nil, maxFileBytes: Int = SpecRules.default.maxFileBytes
    ) async throws -> [SpecFile] {
        try await LibGit2.offPool { [self] in try blockingFiles(at: commit, under: prefix, maxFileBytes: maxFileBytes) }
    }

    /// One file of `commit` at `path` (relative to the repository root), or nil if absent
    /// (symlinks and large blobs as in `files(at:under:)`).
    package func file(
        at commit: String, path filePath: String, maxFileBytes: Int = SpecRules.default.maxFileBytes
    ) async throws -> SpecFile? {
        try await LibGit2.offPool { [self] in try blockingFile(at: commit, path: filePath, maxFileBytes: maxFileBytes) }
    }

    /// `files(at:under:)` on the calling thread.
    func blockingFiles(
        at commit: String, under prefix: String?, maxFileBytes: Int = SpecRules.default.maxFileBytes
    ) throws -> [SpecFile] {
        let prefix = Self.normalize(prefix: prefix)
        return try LibGit2.withRepository(at: path) { repo in
            guard let tree = try Self.tree(repo, commit, under: prefix) else { return [] }
            defer { git_tree_free(tree) }
            var files: [SpecFile] = []
            try Self.collect(repo, tree, base: "", maxFileBytes: maxFileBytes, into: &files)
            files.sort { $0.path < $1.path }
            return files
        }
    }

    /// `file(at:path:)` on the calling thread.
    func blockingFile(
        at commit: String, path filePath: String, maxFileBytes: Int = SpecRules.default.maxFileBytes
    ) throws -> SpecFile? {
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
            return try Self.specFile(repo, entry, path: filePath, maxFileBytes: maxFileBytes)
        }
    }

    /// A blob or symlink entry as a `SpecFile`; nil for other entries (submodules, folders).
    private static func specFile(
        _ repo: OpaquePointer, _ entry: OpaquePointer, path: String, maxFileBytes: Int
    ) throws -> SpecFile? {
        let mode = git_tree_entry_filemode(entry)
        let oid = git_tree_entry_id(entry)
        if mode == GIT_FILEMODE_LINK {
            let target = try blobBytes(repo, oid, path, maxBytes: 4096) ?? Array("(a long target)".utf8)
            return SpecFile(path: path, contents: [], entry: .symlink(target: String(decoding: target, as: UTF8.self)))
        }
        guard mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE else { return nil }
        guard let bytes = try blobBytes(repo, oid, path, maxBytes: maxFileBytes) else {
            return SpecFile(path: path, contents: [], entry: .tooLarge(bytes: try blobSize(repo, oid, path)))
        }
        return SpecFile(path: path, contents: bytes)
    }

    /// Depth-first walk of `tree`, appending regular files with paths below `base`.
    private static func collect(
        _ repo: OpaquePointer, _ tree: OpaquePointer, base: String, maxFileBytes: Int, into files: inout [SpecFile]
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
                try collect(repo, subtree, base: entryPath, maxFileBytes: maxFileBytes, into: &files)
            } else if let file = try specFile(repo, entry, path: entryPath, maxFileBytes: maxFileBytes) {
                files.append(file)
            }
        }
    }

    /// The size of a blob from its object header, without inflating it.
    private static func blobSize(_ repo: OpaquePointer, _ oid: UnsafePointer<git_oid>!, _ path: String) throws -> Int {
        var odb: OpaquePointer?
        try LibGit2.check(git_repository_odb(&odb, repo), "cannot open the object database for '\(path)'")
        defer { git_odb_free(odb) }
        var size = 0
        var type = GIT_OBJECT_ANY
        try LibGit2.check(git_odb_read_header(&size, &type, odb, oid), "cannot read file '\(path)'")
        return size
    }

    /// The raw bytes of a blob (no filters, no line-ending conversion); nil when it is larger
    /// than `maxBytes` (judged from its header, before it is read).
    private static func blobBytes(
        _ repo: OpaquePointer, _ oid: UnsafePointer<git_oid>!, _ path: String, maxBytes: Int
    ) throws -> [UInt8]? {
        guard try blobSize(repo, oid, path) <= maxBytes else { return nil }
        var blob: OpaquePointer?
        try LibGit2.check(git_blob_lookup(&blob, repo, oid), "cannot read file '\(path)'")
        guard let blob else { return [] }
        defer { git_blob_free(blob) }
        let size = Int(git_blob_rawsize(blob))
        guard size > 0, let raw = git_blob_rawcontent(blob) else { return [] }
        return Array(UnsafeRawBufferPointer(start: raw, count: size))
    }
}
