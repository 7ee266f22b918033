import ArgumentParser
import CommandLineOptions
import Foundation
import GitSource
import Settings
import Spec

/// `kiln validate`: check a desired-state repository at a commit (or a plain folder).
///
///     kiln validate --repo ../state --ref main --path examples
///     kiln validate --dir examples --format json
struct ValidateCommand: SettingsCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Validate desired state: every problem as path:line:column: message.",
        discussion: """
            With --repo, the files are read from the git object database at --ref (default HEAD), so \
            exactly that commit is validated: uncommitted edits in the work tree are not seen. With \
            --dir, a plain folder is read from disk. The limits apply reads with are checked (file size, \
            object size with YAML aliases expanded, nesting), and URL schemes against \
            KILN_REPOSITORY_URL_SCHEMES. Exit status: 0 valid, 1 problems or errors.
            """
    )

    @Option(help: "A git repository (work tree or bare) to read at --ref.")
    var repo: String?

    @Option(help: "Branch, tag, remote-tracking ref or SHA to read (with --repo).")
    var ref: String = "HEAD"

    @Option(help: "Folder inside the repository (or --dir) that is the desired-state root.")
    var path: String?

    @Option(help: "A plain folder to validate instead of a git commit.")
    var dir: String?

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    func validate() throws {
        switch (repo, dir) {
        case (nil, nil): throw ValidationError("give --repo PATH or --dir PATH")
        case (.some, .some): throw ValidationError("--repo and --dir exclude each other")
        case (nil, .some) where ref != "HEAD": throw ValidationError("--ref needs --repo")
        default: break
        }
    }

    func run(settings: KilnSettings) async throws {
        let rules = settings.specRules
        let source: ValidationSource
        do {
            source = try await read(maxFileBytes: rules.maxFileBytes)
        } catch {
            CommandOutput.error("kiln validate: \(error)")
            throw ExitCode(1)
        }
        let result = SpecLoader.load(source.files, rules: rules)
        let diagnostics = result.diagnostics.map { source.displayed($0) }
        let report = ValidationReport(
            commit: source.commit, valid: diagnostics.isEmpty,
            counts: result.counts, diagnostics: diagnostics)
        switch format {
        case .json:
            print(try CommandOutput.json(report))
        case .text:
            printText(report, source: source, fileCount: result.fileCount)
        }
        if !report.valid { throw ExitCode(1) }
    }

    /// The files and where they came from.
    private func read(maxFileBytes: Int) async throws -> ValidationSource {
        let prefix = normalized(path)
        if let repo {
            let repository = try GitRepository(path: repo)
            let commit = try await repository.resolve(ref)
            let files = try await repository.files(at: commit, under: prefix, maxFileBytes: maxFileBytes)
            return ValidationSource(files: files, commit: commit, displayPrefix: prefix)
        }
        let root = dir ?? "."
        let folder = prefix.isEmpty ? root : root + "/" + prefix
        let files = try await SpecDirectory(path: folder).files(maxFileBytes: maxFileBytes)
        let shown = normalized(folder)
        return ValidationSource(
            files: files, commit: nil,
            displayPrefix: folder.hasPrefix("/") ? "/" + shown : shown)
    }

    private func printText(_ report: ValidationReport, source: ValidationSource, fileCount: Int) {
        for diagnostic in report.diagnostics { print(diagnostic) }
        let origin =
            source.commit.map { "commit \($0)" }
            ?? "folder \(source.displayPrefix.isEmpty ? "." : source.displayPrefix)"
        if report.valid {
            print("valid: \(origin)")
            for entry in report.counts.entries {
                print("  \(entry.kind.folder): \(entry.count)")
            }
            print("  \(report.counts.total) objects in \(fileCount) files")
        } else {
            let count = report.diagnostics.count
            print("invalid: \(count) problem\(count == 1 ? "" : "s") in \(origin)")
        }
    }

    /// `./a/b/` -> `a/b`; nil -> "".
    private func normalized(_ path: String?) -> String {
        (path ?? "").split(separator: "/").filter { $0 != "." && !$0.isEmpty }.joined(separator: "/")
    }
}

/// Files read for validation, and how to show their paths to the user.
private struct ValidationSource {
    var files: [SpecFile]
    var commit: String?
    /// Prepended to every diagnostic's path so it points at the file as the user sees it
    /// (the repository path including `--path`, or the `--dir` folder).
    var displayPrefix: String

    func displayed(_ diagnostic: Diagnostic) -> Diagnostic {
        guard !displayPrefix.isEmpty else { return diagnostic }
        var shown = diagnostic
        shown.location.file = displayPrefix + "/" + diagnostic.location.file
        return shown
    }
}

/// `--format json`: `{"commit", "valid", "counts", "diagnostics": [{"file","line","column","message"}]}`.
private struct ValidationReport: Encodable {
    var commit: String?
    var valid: Bool
    var counts: SpecCounts
    var diagnostics: [Diagnostic]

    private enum CodingKeys: String, CodingKey { case commit, valid, counts, diagnostics }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(commit, forKey: .commit)  // null for --dir
        try container.encode(valid, forKey: .valid)
        try container.encode(counts, forKey: .counts)
        try container.encode(diagnostics, forKey: .diagnostics)
    }
}
