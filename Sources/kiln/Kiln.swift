import ArgumentParser
import Foundation
import Settings

/// The `kiln` command line: validate, plan and apply desired state; serve the API.
///
/// `main` parses the command line; for a command that uses settings (``SettingsCommand``: serve,
/// migrate, plan, apply, token, the database benchmarks) it then reads and validates every
/// setting (``KilnSettings``) once, before the command does anything, and passes them in. An
/// invalid one stops `kiln` with one line on standard error and exit status 64. `--help`,
/// `validate` and `bench validate` use no settings and do not read them.
@main
struct Kiln: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kiln",
        abstract: "Kiln: a GitOps build-and-release server for RPM distributions.",
        subcommands: [
            ServeCommand.self, MigrateCommand.self, ValidateCommand.self,
            PlanCommand.self, ApplyCommand.self, TokenCommand.self, BenchCommand.self,
        ]
    )

    static func main() async {
        do {
            var command = try await asyncParseAsRoot(nil)
            if let configured = command as? any SettingsCommand {
                try await configured.run(settings: StartupSettings.loadOrExit())
            } else if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}

/// A command that runs with the settings `kiln` read and validated at startup.
protocol SettingsCommand: AsyncParsableCommand {
    func run(settings: KilnSettings) async throws
}

extension SettingsCommand {
    /// Reached only when a command is run without `Kiln.main` (which passes the settings itself).
    func run() async throws {
        try await run(settings: StartupSettings.loadOrExit())
    }
}

/// The one place `kiln` reads its settings from the process environment.
enum StartupSettings {
    /// Exit status for an invalid setting (EX_USAGE, as ArgumentParser uses for invalid options).
    static let invalidExitCode: Int32 = 64

    /// The validated settings, or: one line on standard error and exit 64.
    static func loadOrExit() -> KilnSettings {
        do {
            return try KilnSettings(environment: ProcessInfo.processInfo.environment)
        } catch {
            FileHandle.standardError.write(Data("kiln: \(error)\n".utf8))
            Foundation.exit(invalidExitCode)
        }
    }
}

/// `kiln bench ...`: benchmarks that print figures (never timed assertions in tests).
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Run a benchmark and print its figures.",
        subcommands: [BenchValidateCommand.self, BenchReconcileCommand.self, BenchDispatchCommand.self]
    )
}

/// Thrown by a command that a later change fills in.
struct NotImplemented: Error, CustomStringConvertible {
    var command: String
    var description: String { "kiln \(command) is not implemented yet" }
}
