import ArgumentParser
import CommandLineOptions

/// `kiln bench ...`: benchmarks that print figures (never timed assertions in tests).
package struct BenchCommand: AsyncParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Run a benchmark and print its figures.",
        subcommands: [
            BenchValidateCommand.self, BenchReconcileCommand.self, BenchDispatchCommand.self, BenchSignCommand.self,
            BenchReleaseCommand.self,
            ChaosCommand.self
        ]
    )

    package init() {}
}
