import Foundation

/// The outcome of one finished child process.
struct ProcessResult: Sendable {
    var status: Int32
    var output: String
    var succeeded: Bool { status == 0 }
}

/// Runs a child process to completion with Foundation.Process.
///
/// Output (stdout and stderr together) goes to a temporary file, never a pipe: `pg_ctl start`
/// leaves a daemon behind, and a daemon that inherits a pipe would keep it open forever.
enum ProcessRunner {
    /// Runs `executable arguments` and waits for it, blocking the calling thread.
    static func runSync(_ executable: String, _ arguments: [String],
                        environment: [String: String]? = nil) throws -> ProcessResult {
        let outputPath = FileManager.default.temporaryDirectory
            .appendingPathComponent("kiln-proc-\(UUID().uuidString).out").path
        guard FileManager.default.createFile(atPath: outputPath, contents: nil),
              let output = FileHandle(forWritingAtPath: outputPath) else {
            throw EmbeddedPostgresError.processFailed(command: executable, status: -1,
                                                      output: "cannot create \(outputPath)")
        }
        defer {
            try? output.close()
            try? FileManager.default.removeItem(atPath: outputPath)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: "/")
        if let environment { process.environment = environment }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = output
        try process.run()
        process.waitUntilExit()
        let data = FileManager.default.contents(atPath: outputPath) ?? Data()
        return ProcessResult(status: process.terminationStatus,
                             output: String(decoding: data, as: UTF8.self))
    }

    /// Runs `executable arguments` on a dispatch thread so the cooperative pool is not blocked.
    static func run(_ executable: String, _ arguments: [String],
                    environment: [String: String]? = nil) async throws -> ProcessResult {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result {
                    try runSync(executable, arguments, environment: environment)
                })
            }
        }
    }
}
