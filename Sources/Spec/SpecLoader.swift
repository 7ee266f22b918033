import Foundation

/// Reads and validates the files of a desired-state repository.
///
/// ```swift
/// let result = SpecLoader.load(files)           // files: [SpecFile], paths relative to the root
/// for d in result.diagnostics { print(d) }      // platforms/a.yml:3:7: unknown key 'foo' ...
/// ```
/// Only `*.yml`/`*.yaml` files under `platforms/`, `distributions/`, `repositories/`,
/// `sign-keys/` and `releases/` are read (one object per file); other files are ignored, except
/// the public key files sign keys name (`public_key_file: almalinux-9.asc`).
/// Every problem is reported, each at its exact `file:line:column`. Pure: no I/O.
package enum SpecLoader {
    /// Parses and validates `files`. Linear in the input size; files are parsed
    /// concurrently, then merged in path order, so the result does not depend on timing.
    /// `rules` sets the size limits and the URL schemes allowed.
    package static func load(_ files: [SpecFile], rules: SpecRules = .default) -> SpecResult {
        let specFiles = files.compactMap { file in SpecKind(path: file.path).map { (file, $0) } }
            .sorted { $0.0.path < $1.0.path }
        // Files next to the YAML that a sign key may name (`public_key_file`).
        let companions = Dictionary(
            files.lazy.filter { SpecKind(path: $0.path) == nil && SpecKind(folderOf: $0.path) == .signKey }
                .map { ($0.path, $0) },
            uniquingKeysWith: { a, _ in a })
        let outcomes = readAll(specFiles, rules: rules, companions: companions)
        var parsed = ParsedState()
        var diagnostics: [Diagnostic] = []
        // A symlink is refused anywhere in the kind folders, whatever its name.
        for file in files where SpecKind(path: file.path) == nil && SpecKind(folderOf: file.path) != nil {
            if case .symlink(let target) = file.entry {
                diagnostics.append(
                    Diagnostic(
                        SourceLocation(file: file.path, line: 1, column: 1),
                        "symlinks are not allowed in desired state: \(file.path) points to '\(target)'"))
            }
        }
        for outcome in outcomes {
            diagnostics += outcome.diagnostics
            if let object = outcome.object { parsed.add(object) }
        }
        diagnostics += parsed.crossCheck()
        diagnostics.sort()
        let state = parsed.desiredState()
        return SpecResult(
            state: state, diagnostics: diagnostics, counts: SpecCounts(state),
            fileCount: specFiles.count)
    }

    /// Whether `path` (relative to the desired-state root) is a file `load` reads.
    package static func isSpecPath(_ path: String) -> Bool { SpecKind(path: path) != nil }

    /// Reads each file independently, on all cores; outcome `i` belongs to file `i`.
    private static func readAll(
        _ files: [(SpecFile, SpecKind)], rules: SpecRules, companions: [String: SpecFile]
    ) -> [FileOutcome] {
        guard files.count > 8 else {
            return files.map { FileOutcome($0.0, kind: $0.1, rules: rules, companions: companions) }
        }
        let slots = OutcomeSlots(count: files.count)
        DispatchQueue.concurrentPerform(iterations: files.count) { i in
            slots.store(FileOutcome(files[i].0, kind: files[i].1, rules: rules, companions: companions), at: i)
        }
        return slots.collect()
    }
}

/// One slot per file, each written by exactly one worker, read after all finished.
private final class OutcomeSlots: @unchecked Sendable {
    private let buffer: UnsafeMutableBufferPointer<FileOutcome?>

    init(count: Int) {
        buffer = .allocate(capacity: count)
        buffer.initialize(repeating: nil)
    }

    deinit {
        buffer.deinitialize()
        buffer.deallocate()
    }

    /// Called once per index, from any thread.
    func store(_ outcome: FileOutcome, at index: Int) { buffer[index] = outcome }

    /// Called after every `store` returned.
    func collect() -> [FileOutcome] { buffer.compactMap { $0 } }
}
