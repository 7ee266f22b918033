import ArgumentParser
import Foundation
import Settings

/// A command that runs with the settings `kiln` read and validated at startup.
package protocol SettingsCommand: AsyncParsableCommand {
    func run(settings: KilnSettings) async throws
}

extension SettingsCommand {
    /// Reached only when a command is run without `Kiln.main` (which passes the settings itself).
    package func run() async throws {
        try await run(settings: StartupSettings.loadOrExit())
    }
}

/// The one place `kiln` reads its settings from the process environment.
package enum StartupSettings {
    /// Exit status for an invalid setting (EX_USAGE, as ArgumentParser uses for invalid options).
    package static let invalidExitCode: Int32 = 64

    /// The validated settings, or: one line on standard error and exit 64.
    package static func loadOrExit() -> KilnSettings {
        do {
            return try KilnSettings(environment: ProcessInfo.processInfo.environment)
        } catch {
            FileHandle.standardError.write(Data("kiln: \(error)\n".utf8))
            Foundation.exit(invalidExitCode)
        }
    }
}
