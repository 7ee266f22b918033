import ArgumentParser
import CommandLineOptions
import Foundation
import KilnBench
import Settings

/// The `kiln` command line: validate, plan and apply desired state; serve the API.
///
/// `main` parses the command line; for a command that uses settings (``SettingsCommand``: serve,
/// migrate, validate, plan, apply, token, the database benchmarks) it then reads and validates every
/// setting (``KilnSettings``) once, before the command does anything, and passes them in. An
/// invalid one stops `kiln` with one line on standard error and exit status 64. `--help`
/// and `bench validate` use no settings and do not read them.
@main
struct Kiln: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kiln",
        abstract: "Kiln: a GitOps build-and-release server for RPM distributions.",
        subcommands: [
            ServeCommand.self, MigrateCommand.self, ValidateCommand.self,
            PlanCommand.self, ApplyCommand.self, TokenCommand.self, BenchCommand.self
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
