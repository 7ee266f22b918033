import ArgumentParser
import CommandLineOptions
import Foundation
import Logging
import Reconciler
import Settings
import Spec
import Statuses

/// `kiln apply`: apply a saved plan exactly, or plan and apply a commit in one go.
///
///     kiln apply plan.json                 # refused as stale if the state moved
///     kiln apply --repo ../state --ref main
struct ApplyCommand: SettingsCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Apply a saved plan, or plan and apply desired state from git.",
        discussion: """
            With FILE (written by `kiln plan --out`), applies exactly that plan after checking, under \
            the reconcile lock, that the database and artifact store still have the fingerprint it was \
            computed from; a stale plan is refused and nothing changes. With --repo, plans and applies \
            at once. Exit status: 0 applied or nothing to do, 1 failed or refused, 3 skipped because \
            another reconcile is running.
            """
    )

    @Argument(help: "A plan file written by `kiln plan --out`.")
    var file: String?

    @OptionGroup var source: DesiredStateOptions
    @OptionGroup var database: DatabaseOptions

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    func validate() throws {
        if file != nil && source.repo != nil { throw ValidationError("give a plan FILE or --repo, not both") }
        if file == nil && source.repo == nil { throw ValidationError("give a plan FILE or --repo PATH") }
    }

    func run(settings: KilnSettings) async throws {
        let logger = ReconcileCLI.logger()
        let result: ReconcileResult
        do {
            if let file {
                let plan: Plan
                do {
                    plan = try Plan.decode(Data(contentsOf: URL(fileURLWithPath: file)))
                } catch {
                    CommandOutput.error("kiln apply: cannot read plan \(file): \(error)")
                    throw ExitCode(1)
                }
                result = try await ReconcileCLI.withEngine(database: database, settings: settings, logger: logger) {
                    engine in
                    try await engine.apply(savedPlan: plan, trigger: "cli")
                }
            } else {
                let snapshot = try await ReconcileCLI.readDesiredState(
                    source, rules: settings.specRules, command: "apply")
                result = try await ReconcileCLI.withEngine(database: database, settings: settings, logger: logger) {
                    engine in
                    try await engine.reconcile(
                        desired: snapshot.result.state, commitSHA: snapshot.commitSHA,
                        trigger: "cli", author: snapshot.author)
                }
            }
        } catch let exit as ExitCode {
            throw exit
        } catch {
            CommandOutput.error("kiln apply: \(error)")
            throw ExitCode(1)
        }
        switch format {
        case .json:
            print(try CommandOutput.json(ApplyReport(result)))
        case .text:
            if let plan = result.plan, result.result != .failed {
                print(plan.renderText(), terminator: "")
            }
            switch result.result {
            case .applied:
                let p = result.plan
                print(
                    "Apply complete! Resources: \(p?.toAdd ?? 0) added, \(p?.toChange ?? 0) changed, \(p?.toDestroy ?? 0) destroyed. (run \(result.runID), \(result.durationMS) ms)"
                )
            case .noChanges: print("Nothing to apply. (run \(result.runID))")
            case .skipped: print("skipped: another reconcile is running (run \(result.runID))")
            case .failed, .running:
                for e in result.errors { CommandOutput.error("kiln apply: \(e)") }
                CommandOutput.error("kiln apply: \(result.result.rawValue) (run \(result.runID))")
            }
        }
        switch result.result {
        case .applied, .noChanges: return
        case .skipped: throw ExitCode(3)
        case .failed, .running: throw ExitCode(1)
        }
    }
}

/// `--format json` output of `kiln apply`.
private struct ApplyReport: Encodable {
    var run: Int64
    var result: String
    var errors: [String]
    var durationMS: Int
    var plan: Plan?

    init(_ r: ReconcileResult) {
        run = r.runID
        result = r.result.rawValue
        errors = r.errors
        durationMS = r.durationMS
        plan = r.plan
    }

    enum CodingKeys: String, CodingKey {
        case run, result, errors
        case durationMS = "duration_ms"
        case plan
    }
}
