import ArgumentParser

/// `kiln reconcile` (placeholder).
struct BenchReconcileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "reconcile")
    func run() async throws { throw NotImplemented(command: "reconcile") }
}
