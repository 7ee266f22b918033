import ArgumentParser

/// The `kiln` command line: validate, plan and apply desired state; serve the API.
@main
struct Kiln: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kiln",
        abstract: "Kiln: a GitOps build-and-release server for RPM distributions.",
        subcommands: [
            ServeCommand.self, MigrateCommand.self, ValidateCommand.self,
            PlanCommand.self, ApplyCommand.self, TokenCommand.self, BenchCommand.self,
        ]
    )
}

/// `kiln bench ...`: benchmarks that print figures (never timed assertions in tests).
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Run a benchmark and print its figures.",
        subcommands: [BenchValidateCommand.self, BenchReconcileCommand.self, BenchDispatchCommand.self]
    )
}
