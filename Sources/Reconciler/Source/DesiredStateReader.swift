import GitSource
import Spec

/// Reads the desired state of a git repository at a commit, incrementally: after the first
/// read only the files that changed between the last commit and the new one are re-read
/// from git (`changedPaths`); the rest come from the cache.
///
///     let reader = DesiredStateReader(repository: try GitRepository(path: "/srv/state"))
///     let snapshot = try await reader.read(ref: "main")
public actor DesiredStateReader {
    public let repository: GitRepository
    /// Folder of the repository holding the desired state (nil: the root).
    public let subdirectory: String?
    private var lastCommit: String?
    private var files: [String: SpecFile] = [:]

    public init(repository: GitRepository, subdirectory: String? = nil) {
        self.repository = repository
        self.subdirectory = subdirectory
    }

    /// The desired state at `ref` (a branch, tag or SHA); invalid state is reported in
    /// `snapshot.result.diagnostics`, not thrown.
    public func read(ref: String = "HEAD") throws -> DesiredStateSnapshot {
        let sha = try repository.resolve(ref)
        var readPaths: [String]
        if let lastCommit, lastCommit == sha {
            readPaths = []
        } else if let lastCommit {
            readPaths = []
            for change in try repository.changes(from: lastCommit, to: sha, under: subdirectory) {
                switch change.kind {
                case .deleted:
                    files[change.path] = nil
                default:
                    let full = [subdirectory, change.path].compactMap { $0 }.joined(separator: "/")
                    if var file = try repository.file(at: sha, path: full) {
                        file.path = change.path
                        files[change.path] = file
                    } else {
                        files[change.path] = nil
                    }
                }
                readPaths.append(change.path)
            }
        } else {
            let all = try repository.files(at: sha, under: subdirectory)
            files = Dictionary(all.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
            readPaths = all.map(\.path)
        }
        lastCommit = sha
        let result = SpecLoader.load(Array(files.values))
        return DesiredStateSnapshot(commitSHA: sha, result: result, readPaths: readPaths)
    }

    /// The desired state at `ref`, throwing `InvalidDesiredState` when it has errors.
    public func readValid(ref: String = "HEAD") throws -> DesiredStateSnapshot {
        let snapshot = try read(ref: ref)
        guard snapshot.result.diagnostics.isEmpty else {
            throw InvalidDesiredState(commitSHA: snapshot.commitSHA, diagnostics: snapshot.result.diagnostics)
        }
        return snapshot
    }
}
