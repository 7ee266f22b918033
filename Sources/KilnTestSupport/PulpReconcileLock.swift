import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One reconcile-against-Pulp test at a time across test processes sharing one Pulp.
///
/// A reconcile prunes every empty repository carrying Kiln's desired-state label that its own
/// desired state does not name, so two tests that reconcile into the same Pulp at once delete
/// each other's repositories. With `KILN_TEST_PARALLEL=1`, `scripts/test.sh` runs the XCTest and
/// the Swift Testing tests in two processes side by side; the tests that reconcile into Pulp hold this lock (an exclusive
/// `flock` on one file, polled, never blocking a cooperative thread) for their whole run.
///
///     try await PulpReconcileLock.with { try await reconcileIntoPulp() }
package enum PulpReconcileLock {
    /// The lock file (`KILN_TEST_PULP_LOCK`, default `/tmp/kiln-test-pulp-reconcile.lock`).
    package static var path: String {
        ProcessInfo.processInfo.environment["KILN_TEST_PULP_LOCK"] ?? "/tmp/kiln-test-pulp-reconcile.lock"
    }

    /// Runs `body` holding the lock; waits (polling every 100 ms) while another process holds it.
    package static func with<T>(_ body: () async throws -> T) async throws -> T {
        let fd = open(path, O_CREAT | O_RDWR, 0o666)
        guard fd >= 0 else { throw LockError(description: "cannot open \(path): errno \(errno)") }
        defer { close(fd) }
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            try await Task.sleep(for: .milliseconds(100))
        }
        defer { flock(fd, LOCK_UN) }
        return try await body()
    }

    /// The lock file could not be opened.
    package struct LockError: Error, CustomStringConvertible {
        package var description: String
    }
}
