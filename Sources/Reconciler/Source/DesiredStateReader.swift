import GitSource
import Spec

/// Reads the desired state of a git repository at a commit, incrementally: after the first
/// read only the files that changed between the last commit and the new one are re-read
/// from git (`changedPaths`); the rest come from the cache.
///
///     let reader = DesiredStateReader(repository: try GitRepository(path: "/srv/state"))
///     let snapshot = try await reader.read(ref: "main")
package actor DesiredStateReader {
    package let repository: GitRepository
    /// Folder of the repository holding the desired state (nil: the root).
    package let subdirectory: String?
    /// Size limits and URL schemes the desired state is read with.
    package let rules: SpecRules
    private var lastCommit: String?
    private var files: [String: SpecFile] = [:]

    package init(repository: GitRepository, subdirectory: String? = nil, rules: SpecRules = .default) {
        self.repository = repository
        self.subdirectory = subdirectory
        self.rules = rules
    }

    /// The desired state at `ref` (a branch, tag or SHA); invalid state is reported in
    /// `snapshot.result.diagnostics`, not thrown. The git reads suspend (they run off the
    /// cooperative pool), so the cache is updated from a copy at the end: reads that overlap
    /// each leave a consistent commit-and-files pair.
    package func read(ref: String = "HEAD") async throws -> DesiredStateSnapshot {
        let sha = try await repository.resolve(ref)
        let lastCommit = self.lastCommit
        var files = self.files
        var readPaths: [String]
        if let lastCommit, lastCommit == sha {
            readPaths = []
        } else if let lastCommit {
            readPaths = []
            for change in try await repository.changes(from: lastCommit, to: sha, under: subdirectory) {
                switch change.kind {
                case .deleted:
                    files[change.path] = nil
                default:
                    let full = [subdirectory, change.path].compactMap { $0 }.joined(separator: "/")
                    if var file = try await repository.file(at: sha, path: full, maxFileBytes: rules.maxFileBytes) {
                        file.path = change.path
                        files[change.path] = file
                    } else {
                        files[change.path] = nil
                    }
                }
                readPaths.append(change.path)
            }
        } else {
            let all = try await repository.files(at: sha, under: subdirectory, maxFileBytes: rules.maxFileBytes)
            files = Dictionary(all.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
            readPaths = all.map(\.path)
        }
        self.lastCommit = sha
        self.files = files
        let result = SpecLoader.load(Array(files.values), rules: rules)
        let author = try? await repository.author(of: sha)
        return DesiredStateSnapshot(commitSHA: sha, result: result, readPaths: readPaths, author: author)
    }

    /// The desired state at `ref`, throwing `InvalidDesiredState` when it has errors.
    package func readValid(ref: String = "HEAD") async throws -> DesiredStateSnapshot {
        let snapshot = try await read(ref: ref)
        guard snapshot.result.diagnostics.isEmpty else {
            throw InvalidDesiredState(commitSHA: snapshot.commitSHA, diagnostics: snapshot.result.diagnostics)
        }
        return snapshot
    }
}
