import ArgumentParser

/// `kiln validate` (placeholder).
struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "validate")
    func run() async throws { throw NotImplemented(command: "validate") }
}
