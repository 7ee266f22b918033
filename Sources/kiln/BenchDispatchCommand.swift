import ArgumentParser

/// `kiln dispatch` (placeholder).
struct BenchDispatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "dispatch")
    func run() async throws { throw NotImplemented(command: "dispatch") }
}
