import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The outcome of one finished child process.
struct ProcessResult: Sendable {
    var status: Int32
    var output: String
    var succeeded: Bool { status == 0 }
}

/// Runs a child process to completion.
///
/// This uses `posix_spawn` + `waitpid` rather than Foundation.Process: on Linux, Process detects
/// the child's exit through a socket the child inherits, and `pg_ctl start` leaves a daemon behind
/// that keeps every inherited descriptor, so `waitUntilExit()` never returned. Here the child gets
/// only stdin (/dev/null) and stdout/stderr (a temporary file); every other descriptor is closed.
enum ProcessRunner {
    /// Runs `executable arguments` and waits for it, blocking the calling thread.
    static func runSync(_ executable: String, _ arguments: [String],
                        environment: [String: String]? = nil) throws -> ProcessResult {
        let outputPath = FileManager.default.temporaryDirectory
            .appendingPathComponent("kiln-proc-\(UUID().uuidString).out").path
        defer { unlink(outputPath) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        GlibcSpawnExtras.closeFrom(&actions, 3)
        GlibcSpawnExtras.changeDirectory(&actions, "/")

        let argv = [executable] + arguments
        let env = (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
        let cArgv = argv.map { strdup($0) } + [nil]
        let cEnv = env.map { strdup($0) } + [nil]
        defer {
            cArgv.forEach { free($0) }
            cEnv.forEach { free($0) }
        }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, executable, &actions, nil, cArgv, cEnv)
        guard spawned == 0 else {
            throw EmbeddedPostgresError.processFailed(command: executable, status: -1,
                                                      output: "cannot start: \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else {
                throw EmbeddedPostgresError.processFailed(command: executable, status: -1,
                                                          output: "waitpid: \(String(cString: strerror(errno)))")
            }
        }
        let exitStatus: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        let data = FileManager.default.contents(atPath: outputPath) ?? Data()
        return ProcessResult(status: exitStatus, output: String(decoding: data, as: UTF8.self))
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

/// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34) and `_addchdir_np` (2.29), looked up at
/// run time because the Glibc module does not export them; missing ones are skipped.
private enum GlibcSpawnExtras {
    private typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    private typealias ChangeDirectory = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>,
                                                        UnsafePointer<CChar>) -> Int32

    private static func symbol(_ name: String) -> UnsafeMutableRawPointer? {
        guard let handle = dlopen(nil, RTLD_NOW) else { return nil }
        return dlsym(handle, name)
    }

    static func closeFrom(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ lowest: Int32) {
        guard let pointer = symbol("posix_spawn_file_actions_addclosefrom_np") else { return }
        _ = unsafeBitCast(pointer, to: CloseFrom.self)(actions, lowest)
    }

    static func changeDirectory(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ path: String) {
        guard let pointer = symbol("posix_spawn_file_actions_addchdir_np") else { return }
        _ = path.withCString { unsafeBitCast(pointer, to: ChangeDirectory.self)(actions, $0) }
    }
}
