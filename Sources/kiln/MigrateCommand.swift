import ArgumentParser

/// `kiln migrate` (placeholder).
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "migrate")
    func run() async throws { throw NotImplemented(command: "migrate") }
}
