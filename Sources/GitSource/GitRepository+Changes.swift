import CGit2

extension GitRepository {
    /// Files that differ between two commits below `prefix` (tree-to-tree diff, no rename
    /// detection: a rename is a delete plus an add). `from: nil` diffs against the empty tree, so
    /// every file is `.added`. Paths are relative to `prefix`; sorted by path.
    package func changes(from old: String?, to new: String, under prefix: String? = nil) async throws -> [GitChange] {
        try await LibGit2.offPool { [self] in try blockingChanges(from: old, to: new, under: prefix) }
    }

    /// `changes(from:to:under:)` on the calling thread.
    func blockingChanges(from old: String?, to new: String, under prefix: String?) throws -> [GitChange] {
        let prefix = Self.normalize(prefix: prefix)
        return try LibGit2.withRepository(at: path) { repo in
            let oldTree = try old.flatMap { try Self.tree(repo, $0, under: prefix, allowMissing: true) }
            defer { if let oldTree { git_tree_free(oldTree) } }
            let newTree = try Self.tree(repo, new, under: prefix, allowMissing: true)
            defer { if let newTree { git_tree_free(newTree) } }

            var diff: OpaquePointer?
            try LibGit2.check(
                git_diff_tree_to_tree(&diff, repo, oldTree, newTree, nil),
                "cannot diff '\(old ?? "(empty)")'..'\(new)'")
            guard let diff else { return [] }
            defer { git_diff_free(diff) }

            var changes: [GitChange] = []
            for index in 0..<git_diff_num_deltas(diff) {
                guard let delta = git_diff_get_delta(diff, index)?.pointee else { continue }
                switch delta.status {
                case GIT_DELTA_ADDED:
                    changes.append(GitChange(path: String(cString: delta.new_file.path), kind: .added))
                case GIT_DELTA_DELETED:
                    changes.append(GitChange(path: String(cString: delta.old_file.path), kind: .deleted))
                default:
                    // Modified, or a type change (file <-> symlink): the path's content differs.
                    changes.append(GitChange(path: String(cString: delta.new_file.path), kind: .modified))
                }
            }
            return changes.sorted { $0.path < $1.path }
        }
    }

    /// The paths of `changes(from:to:under:)`, sorted: what the reconciler re-reads incrementally.
    package func changedPaths(from old: String?, to new: String, under prefix: String? = nil) async throws -> [String] {
        try await changes(from: old, to: new, under: prefix).map(\.path)
    }
}
