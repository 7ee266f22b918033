import ArgumentParser

/// `kiln token` (placeholder).
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "token")
    func run() async throws { throw NotImplemented(command: "token") }
}
