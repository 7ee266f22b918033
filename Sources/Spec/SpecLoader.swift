/// Reads and validates the files of a desired-state repository.
///
/// ```swift
/// let result = SpecLoader.load(files)           // files: [SpecFile], paths relative to the root
/// for d in result.diagnostics { print(d) }      // platforms/a.yml:3:7: unknown key 'foo' ...
/// ```
/// Only `*.yml`/`*.yaml` files under `platforms/`, `distributions/`, `repositories/`,
/// `sign-keys/` and `releases/` are read (one object per file); other files are ignored.
/// Every problem is reported, each at its exact `file:line:column`. Pure: no I/O.
public enum SpecLoader {
    /// Parses and validates `files`. Linear in the input size.
    public static func load(_ files: [SpecFile]) -> SpecResult {
        var parsed = ParsedState()
        var diagnostics: [Diagnostic] = []
        var fileCount = 0
        for file in files.sorted(by: { $0.path < $1.path }) {
            guard let kind = SpecKind(path: file.path) else { continue }
            fileCount += 1
            var reader = FileReader(path: file.path)
            if let root = reader.document(file, kind: kind) {
                parsed.add(root, kind: kind, reader: &reader)
            }
            diagnostics += reader.diagnostics
        }
        diagnostics += parsed.crossCheck()
        diagnostics.sort()
        let state = parsed.desiredState()
        return SpecResult(state: state, diagnostics: diagnostics, counts: SpecCounts(state),
                          fileCount: fileCount)
    }

    /// Whether `path` (relative to the desired-state root) is a file `load` reads.
    public static func isSpecPath(_ path: String) -> Bool { SpecKind(path: path) != nil }
}
