import ArgumentParser

/// `kiln apply` (placeholder).
struct ApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "apply")
    func run() async throws { throw NotImplemented(command: "apply") }
}
