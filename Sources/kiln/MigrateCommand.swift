import ArgumentParser
import CommandLineOptions
import Foundation
import Logging
import Settings
import Store

/// `kiln migrate`: applies pending schema migrations and prints what it did.
struct MigrateCommand: SettingsCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply pending database schema migrations."
    )

    @OptionGroup var database: DatabaseOptions

    func run(settings: KilnSettings) async throws {
        var logger = Logger(label: "kiln.migrate")
        logger.logLevel = .warning
        let migrationLogger = logger
        let report = try await database.withClient(settings: settings, logger: logger, migrate: false) { client in
            try await Migrator.bundled(logger: migrationLogger).migrate(client)
        }
        if report.applied.isEmpty {
            print("schema up to date at version \(report.version)")
        } else {
            for migration in report.applied {
                print("applied \(String(format: "%04d", migration.version)) \(migration.name)")
            }
            print("schema now at version \(report.version)")
        }
    }
}
