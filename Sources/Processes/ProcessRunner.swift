import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The outcome of one finished child process.
package struct ProcessResult: Sendable {
    /// Exit status (128 + signal number when a signal ended it).
    package var status: Int32
    /// Standard output, with standard error interleaved as written unless it was kept apart.
    package var output: String
    /// Standard error when it was kept apart (`combineErrors: false`), else empty.
    package var errors: String = ""
    package var succeeded: Bool { status == 0 }
}

/// A child process could not be started or waited for.
package struct ProcessError: Error, Sendable, CustomStringConvertible {
    package var command: String
    package var message: String
    package var description: String { "\(command): \(message)" }
}

/// Kiln's one way to run a child process to completion: git and rpmbuild in tests, initdb and
/// pg_ctl for the embedded PostgreSQL, pulpcore-manager for benchmark seeding.
///
///     let result = try await ProcessRunner.run("/usr/bin/env", ["git", "--version"])
///
/// This uses `posix_spawn` + `waitpid` rather than Foundation.Process: on Linux, Process detects
/// the child's exit through a socket the child inherits, and `pg_ctl start` leaves a daemon behind
/// that keeps every inherited descriptor, so `waitUntilExit()` never returned. Here the child gets
/// only stdin (/dev/null) and stdout/stderr (a temporary file); every other descriptor is closed.
///
/// swift-subprocess was considered: its API is async only, and two callers must block (the
/// `atexit` hook that stops a test cluster, synchronous test helpers); one runner with a blocking
/// core, offloaded to a thread for async callers, serves both without a second implementation.
package enum ProcessRunner {
    /// Runs `executable arguments` and waits for it, blocking the calling thread.
    ///
    /// `environment` nil inherits this process's; `directory` is the child's working folder
    /// (default `/`); `identity` runs it as that user through `runuser` (we must be root).
    package static func runSync(
        _ executable: String, _ arguments: [String],
        environment: [String: String]? = nil, directory: String = "/",
        as identity: SystemIdentity? = nil, combineErrors: Bool = true
    ) throws -> ProcessResult {
        if let identity {
            return try runSync(
                SystemIdentity.runuser, ["-u", identity.name, "--", executable] + arguments,
                environment: environment, directory: directory, combineErrors: combineErrors)
        }
        let outputPath = FileManager.default.temporaryDirectory
            .appendingPathComponent("kiln-proc-\(UUID().uuidString).out").path
        let errorPath = outputPath + ".err"
        defer {
            unlink(outputPath)
            if !combineErrors { unlink(errorPath) }
        }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        if combineErrors {
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        } else {
            posix_spawn_file_actions_addopen(&actions, 2, errorPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        }
        GlibcSpawnExtras.closeFrom(&actions, 3)
        GlibcSpawnExtras.changeDirectory(&actions, directory)

        let argv = [executable] + arguments
        let env = (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
        let cArgv = argv.map { strdup($0) } + [nil]
        let cEnv = env.map { strdup($0) } + [nil]
        defer {
            for pointer in cArgv + cEnv { free(pointer) }
        }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, executable, &actions, nil, cArgv, cEnv)
        guard spawned == 0 else {
            throw ProcessError(command: executable, message: "cannot start: \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else {
                throw ProcessError(command: executable, message: "waitpid: \(String(cString: strerror(errno)))")
            }
        }
        let exitStatus: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        let data = FileManager.default.contents(atPath: outputPath) ?? Data()
        var result = ProcessResult(status: exitStatus, output: String(decoding: data, as: UTF8.self))
        if !combineErrors {
            result.errors = String(decoding: FileManager.default.contents(atPath: errorPath) ?? Data(), as: UTF8.self)
        }
        return result
    }

    /// ``runSync(_:_:environment:directory:as:)`` on a dispatch thread, so the cooperative pool
    /// is never blocked while the child runs.
    package static func run(
        _ executable: String, _ arguments: [String],
        environment: [String: String]? = nil, directory: String = "/",
        as identity: SystemIdentity? = nil, combineErrors: Bool = true
    ) async throws -> ProcessResult {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(
                    with: Result {
                        try runSync(
                            executable, arguments, environment: environment, directory: directory, as: identity,
                            combineErrors: combineErrors)
                    })
            }
        }
    }

    /// Runs a command found on `PATH` (through `/usr/bin/env`) in `directory`; its standard
    /// output. Throws with its standard error when it exits non-zero.
    @discardableResult
    package static func checked(
        _ command: [String], environment: [String: String]? = nil,
        directory: String = "/"
    ) throws -> String {
        let result = try runSync(
            "/usr/bin/env", command, environment: environment, directory: directory,
            combineErrors: false)
        guard result.succeeded else {
            throw ProcessError(
                command: command.joined(separator: " "),
                message: "exit status \(result.status): \((result.errors + result.output).suffix(2000))")
        }
        return result.output
    }
}

/// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34) and `_addchdir_np` (2.29), looked up at
/// run time because the Glibc module does not export them; missing ones are skipped.
private enum GlibcSpawnExtras {
    private typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    private typealias ChangeDirectory =
        @convention(c) (
            UnsafeMutablePointer<posix_spawn_file_actions_t>,
            UnsafePointer<CChar>
        ) -> Int32

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
