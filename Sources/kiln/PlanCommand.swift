import ArgumentParser

/// `kiln plan` (placeholder).
struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "plan")
    func run() async throws { throw NotImplemented(command: "plan") }
}
