import Foundation
import Store

/// A lease clock that stands still until a test moves it: lease and sweep tests advance it
/// past the node timeout instead of sleeping.
///
///     let clock = ManualLeaseClock()
///     clock.advance(by: 91)   // every lease taken before is now 91 s old
package final class ManualLeaseClock: LeaseClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    /// Starts at `start` (default: the wall-clock time, so rows written with PostgreSQL's `now()` compare sensibly).
    package init(start: Date = Date()) {
        self.current = start
    }

    package func now() -> Date {
        lock.withLock { current }
    }

    /// Moves the clock forward by `seconds`.
    package func advance(by seconds: TimeInterval) {
        lock.withLock { current += seconds }
    }
}
