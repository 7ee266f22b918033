import Foundation
import NIOConcurrencyHelpers
import Store

/// The in-memory `AccessSnapshot` every request's permission check reads: loaded from
/// PostgreSQL at first use, reloaded after a reconcile apply (`invalidate`, called by the
/// reconcile loop), after a user is deactivated here, and at the latest every `maxAge` (other
/// processes' changes). No database round trip per request.
package final class AccessDirectory: Sendable {
    private struct State {
        var snapshot: AccessSnapshot?
        var loadedAt: ContinuousClock.Instant = .now
        /// Bumped by `invalidate`: a load that started before it does not count as fresh.
        var generation = 0
    }

    private let state = NIOLockedValueBox(State())
    package let maxAge: Duration

    package init(maxAge: Duration = .seconds(30)) {
        self.maxAge = maxAge
    }

    /// Forgets the snapshot: the next request reloads it.
    package func invalidate() {
        state.withLockedValue {
            $0.snapshot = nil
            $0.generation += 1
        }
    }

    /// Marks `userID` inactive in the current snapshot at once (its row is already written).
    package func deactivate(_ userID: Int64) {
        state.withLockedValue { $0.snapshot?.inactive.insert(userID) }
    }

    /// The current snapshot, loaded through `store` when there is none or it is older than `maxAge`.
    package func snapshot(_ store: AccessStore) async throws -> AccessSnapshot {
        let (cached, generation) = state.withLockedValue { s -> (AccessSnapshot?, Int) in
            guard let snapshot = s.snapshot, s.loadedAt.duration(to: .now) < maxAge else { return (nil, s.generation) }
            return (snapshot, s.generation)
        }
        if let cached { return cached }
        let loaded = AccessSnapshot(try await store.rows())
        state.withLockedValue { s in
            guard s.generation == generation else { return }
            s.snapshot = loaded
            s.loadedAt = .now
        }
        return loaded
    }
}
