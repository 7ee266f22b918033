import Foundation

/// The time lease decisions are made against: claims and pings stamp `build_tasks.ts` with
/// `now()` of this clock, and the stale-task sweep compares leases with it. SQL receives the
/// value as a bind, never PostgreSQL's `now()`, so tests can move time without sleeping.
///
///     let claims = TaskClaims(client: client, clock: SystemLeaseClock())
package protocol LeaseClock: Sendable {
    /// The current time.
    func now() -> Date
}

/// Wall-clock time: production's lease clock.
package struct SystemLeaseClock: LeaseClock {
    package init() {}

    package func now() -> Date { Date() }
}
