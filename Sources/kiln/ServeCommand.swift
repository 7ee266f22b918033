import ArgumentParser

/// `kiln serve` (placeholder).
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve")
    func run() async throws { throw NotImplemented(command: "serve") }
}
