import ArgumentParser
import CommandLineOptions
import Foundation
import GitSource
import Spec

/// `kiln bench validate`: validate N generated platform files read from a git commit.
///
///     kiln bench validate --platforms 1000 --iterations 5 --format json
///
/// The repository is generated and committed with the git CLI first (not timed); each timed
/// iteration opens the repository, resolves HEAD, reads every blob through libgit2 and runs
/// `SpecLoader.load`.
struct BenchValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Time reading N platform files from a git commit and validating them."
    )

    @Option(help: "Number of generated platform files.")
    var platforms: Int = 1000

    @Option(help: "Timed iterations.")
    var iterations: Int = 5

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    @Flag(help: "Keep the generated repository (its path is printed).")
    var keep = false

    func validate() throws {
        guard platforms > 0 else { throw ValidationError("--platforms must be positive") }
        guard iterations > 0 else { throw ValidationError("--iterations must be positive") }
    }

    func run() async throws {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("kiln-bench-validate-\(UUID().uuidString)", isDirectory: true)
        defer { if !keep { try? FileManager.default.removeItem(at: folder) } }
        let setupStart = ContinuousClock.now
        let generated = try BenchStateGenerator.write(platforms: platforms, into: folder)
        try BenchGit.commitAll(in: folder.path)
        let setup = ContinuousClock.now - setupStart

        var totals: [Duration] = []
        var reads: [Duration] = []
        var fileCount = 0
        var last: SpecResult?
        let clock = ContinuousClock()
        for _ in 0..<iterations {
            let start = clock.now
            let repository = try GitRepository(path: folder.path)
            let commit = try await repository.resolve("HEAD")
            let files = try await repository.files(at: commit)
            let read = clock.now
            let result = SpecLoader.load(files)
            let end = clock.now
            reads.append(read - start)
            totals.append(end - start)
            fileCount = files.count
            last = result
        }
        guard let last else { return }
        let figures = BenchValidateFigures(
            platforms: platforms, files: fileCount, bytes: generated.bytes, iterations: iterations,
            setupMs: setup.milliseconds,
            minMs: totals.min()!.milliseconds, medianMs: totals.median.milliseconds,
            readMinMs: reads.min()!.milliseconds, loadMinMs: zip(totals, reads).map { $0 - $1 }.min()!.milliseconds,
            filesPerSecond: Double(fileCount) / totals.median.seconds,
            diagnostics: last.diagnostics.count, targetMs: 2000,
            repository: keep ? folder.path : nil
        )
        Bench.report(figures, format: format) {
            print(figures.text)
            for diagnostic in last.diagnostics.prefix(5) { print("  \(diagnostic)") }
        }
        if last.diagnostics.count > 0 {
            CommandOutput.error("kiln bench validate: the generated files have \(last.diagnostics.count) diagnostics")
            throw ExitCode(1)
        }
    }
}

/// What `kiln bench validate` prints.
struct BenchValidateFigures: Encodable {
    var benchmark = "validate"
    var platforms: Int
    var files: Int
    var bytes: Int
    var iterations: Int
    var setupMs: Double
    var minMs: Double
    var medianMs: Double
    var readMinMs: Double
    var loadMinMs: Double
    var filesPerSecond: Double
    var diagnostics: Int
    var targetMs: Double
    var repository: String?

    enum CodingKeys: String, CodingKey {
        case benchmark, platforms, files, bytes, iterations, diagnostics, repository
        case setupMs = "setup_ms"
        case minMs = "min_ms"
        case medianMs = "median_ms"
        case readMinMs = "read_min_ms"
        case loadMinMs = "load_min_ms"
        case filesPerSecond = "files_per_second"
        case targetMs = "target_ms"
    }

    var text: String {
        func ms(_ value: Double) -> String { String(format: "%.1f ms", value) }
        var lines = [
            "kiln bench validate: \(platforms) platform files (\(files) files, \(bytes / 1024) KiB), \(iterations) iterations",
            "  setup (generate + git commit, not timed): \(ms(setupMs))",
            "  read (libgit2) + SpecLoader.load: min \(ms(minMs)), median \(ms(medianMs)) "
                + "(read min \(ms(readMinMs)), load min \(ms(loadMinMs)))",
            String(
                format: "  %.0f files/s (median); target < %.0f ms: %@", filesPerSecond, targetMs,
                medianMs < targetMs ? "met" : "MISSED")
        ]
        if let repository { lines.append("  repository kept at \(repository)") }
        return lines.joined(separator: "\n")
    }
}
