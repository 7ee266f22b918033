import ArgumentParser
import Artifacts
import CommandLineOptions
import Foundation
import GitSource
import Logging
import Reconciler
import Settings
import Spec
import Store

/// `kiln plan`: what apply would change, terraform style, for a desired-state commit.
///
///     kiln plan --repo ../state --ref main --path examples --out plan.json
///     kiln plan --repo ../state --format json --detailed-exitcode
///     kiln plan --repo . --ref "$PR_HEAD" --path examples --format markdown > plan.md
struct PlanCommand: SettingsCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show what `kiln apply` would change in PostgreSQL and the artifact store.",
        discussion: """
            Reads the desired state from git at --ref and diffs it with the database (embedded by \
            default) and the artifact store (KILN_PULP_URL, else the local store). --out FILE saves \
            the plan with its commit and a fingerprint of the state it was computed from, for \
            `kiln apply FILE`. Exit status: 0 (1 on error); with --detailed-exitcode 0 no changes, \
            2 changes, 1 error.
            """
    )

    @OptionGroup var source: DesiredStateOptions
    @OptionGroup var database: DatabaseOptions

    @Option(help: "Output format: text, json, or markdown (a pull-request comment).")
    var format: PlanFormat = .text

    @Option(help: "Write the plan (JSON, with commit SHA and state fingerprint) to this file.")
    var out: String?

    @Flag(help: "Exit 0 when there are no changes, 2 when there are, 1 on error.")
    var detailedExitcode = false

    func run(settings: KilnSettings) async throws {
        let logger = ReconcileCLI.logger()
        let snapshot = try await ReconcileCLI.readDesiredState(source, rules: settings.specRules, command: "plan")
        let plan: Plan
        do {
            plan = try await ReconcileCLI.withEngine(
                database: database, settings: settings, logger: logger, writesDatabase: false
            ) { engine in
                try await engine.plan(
                    desired: snapshot.result.state, commitSHA: snapshot.commitSHA, author: snapshot.author)
            }
        } catch {
            CommandOutput.error("kiln plan: \(error)")
            throw ExitCode(1)
        }
        if let out {
            do {
                try plan.jsonData().write(to: URL(fileURLWithPath: out))
            } catch {
                CommandOutput.error("kiln plan: cannot write \(out): \(error)")
                throw ExitCode(1)
            }
        }
        switch format {
        case .json: print(String(decoding: try plan.jsonData(), as: UTF8.self))
        case .markdown: print(plan.renderMarkdown(filePrefix: source.filePrefix), terminator: "")
        case .text:
            print(plan.renderText(), terminator: "")
            if let out { print("\nSaved the plan to \(out); apply exactly it with `kiln apply \(out)`.") }
        }
        if detailedExitcode && plan.hasChanges { throw ExitCode(2) }
    }
}

/// `--repo`, `--ref`, `--path`: where `plan` and `apply` read the desired state.
struct DesiredStateOptions: ParsableArguments {
    @Option(help: "The git repository (work tree or bare) holding the desired state.")
    var repo: String?

    @Option(help: "Branch, tag or SHA to read.")
    var ref: String = "HEAD"

    @Option(help: "Folder inside the repository that is the desired-state root.")
    var path: String?

    /// `--path` as a prefix of the files under it (`examples/`), empty for the repository root.
    var filePrefix: String {
        let parts = (path ?? "").split(separator: "/").filter { $0 != "." && !$0.isEmpty }
        return parts.isEmpty ? "" : parts.joined(separator: "/") + "/"
    }
}

/// Shared by `plan`, `apply` and `bench reconcile`.
enum ReconcileCLI {
    static func logger() -> Logger {
        var logger = Logger(label: "kiln")
        logger.logLevel = .critical  // commands print their own errors
        return logger
    }

    /// Reads and validates the desired state; prints every problem as file:line:column and exits 1.
    static func readDesiredState(
        _ options: DesiredStateOptions, rules: SpecRules, command: String
    ) async throws -> DesiredStateSnapshot {
        guard let repo = options.repo else {
            CommandOutput.error("kiln \(command): give --repo PATH (a git repository holding the desired state)")
            throw ExitCode(1)
        }
        let prefix = (options.path ?? "").split(separator: "/").filter { $0 != "." && !$0.isEmpty }.joined(
            separator: "/")
        let snapshot: DesiredStateSnapshot
        do {
            let reader = DesiredStateReader(
                repository: try GitRepository(path: repo),
                subdirectory: prefix.isEmpty ? nil : prefix, rules: rules)
            snapshot = try await reader.read(ref: options.ref)
        } catch {
            CommandOutput.error("kiln \(command): \(error)")
            throw ExitCode(1)
        }
        if !snapshot.result.diagnostics.isEmpty {
            for d in snapshot.result.diagnostics {
                var shown = d
                if !prefix.isEmpty { shown.location.file = prefix + "/" + d.location.file }
                print(shown)
            }
            CommandOutput.error(
                "kiln \(command): \(snapshot.result.diagnostics.count) problem(s) in the desired state at \(snapshot.commitSHA); nothing planned"
            )
            throw ExitCode(1)
        }
        return snapshot
    }

    /// The release-commit checkpoint hook: with `KILN_FAULT_KILL_AT=<point>` the process kills
    /// itself with SIGKILL when it reaches that point (the tests of a commit killed half-way).
    static func faultCheckpoint(_ point: String?) -> @Sendable (String) async -> Void {
        guard let point else { return { _ in } }
        return { reached in
            guard reached == point else { return }
            FileHandle.standardError.write(Data("kiln: KILN_FAULT_KILL_AT=\(point): killing myself\n".utf8))
            kill(getpid(), SIGKILL)
        }
    }

    /// Opens the database (migrated) and the artifact store of `settings` for `body`.
    /// `writesDatabase: false` (plan) migrates only a database that is behind, so a current one is
    /// only read and a read-only role can plan.
    static func withEngine<T: Sendable>(
        database: DatabaseOptions, settings: KilnSettings, logger: Logger, writesDatabase: Bool = true,
        _ body: @Sendable @escaping (ReconcileEngine) async throws -> T
    ) async throws -> T {
        let storeConfig = settings.artifactStore(home: database.home(settings))
        return try await database.withClient(settings: settings, logger: logger, migrate: writesDatabase) { client in
            if !writesDatabase { try await Migrator.bundled(logger: logger).migrateIfBehind(client) }
            let store = storeConfig.makeStore(logger: logger)
            var engine = ReconcileEngine(
                database: PostgresStateDatabase(client: client, logger: logger),
                store: store, logger: logger)
            engine.syncRecords = RepositorySyncStore(client: client, logger: logger)
            engine.releases = ReleaseCommitStore(client: client, logger: logger)
            engine.releaseCheckpoint = faultCheckpoint(settings.faultKillAt)
            do {
                let value = try await body(engine)
                try? await store.shutdown()
                return value
            } catch {
                try? await store.shutdown()
                throw error
            }
        }
    }
}
