import NIOConcurrencyHelpers
import Store

/// The revoked token ids and inactive users every request is checked against, in memory: no
/// database round trip per request. Loaded at start and refreshed by `RevocationWatcher`
/// (LISTEN/NOTIFY, and a periodic full reload as a fallback). Shared by reference: every copy of
/// a `TokenAuthority` sees the same set.
package final class RevocationSet: Sendable {
    private struct State {
        /// Revoked token id -> when this process learnt it.
        var tokens: [String: ContinuousClock.Instant] = [:]
        /// User id -> whether inactive, and when this process learnt it.
        var users: [Int64: (inactive: Bool, learnt: ContinuousClock.Instant)] = [:]
        var loaded = false
    }

    private let state = NIOLockedValueBox(State())

    package init() {}

    /// Whether a token with `tokenID` (of user `userID`) must be refused.
    package func isRevoked(tokenID: String?, userID: Int64?) -> Bool {
        state.withLockedValue { state in
            if let tokenID, state.tokens[tokenID] != nil { return true }
            if let userID, state.users[userID]?.inactive == true { return true }
            return false
        }
    }

    /// Whether a full snapshot was applied at least once.
    package var isLoaded: Bool { state.withLockedValue { $0.loaded } }

    /// Marks `tokenID` revoked (a NOTIFY, or this process's own logout).
    package func revoke(tokenID: String) {
        state.withLockedValue { $0.tokens[tokenID] = .now }
    }

    /// Records whether user `userID` is inactive.
    package func setUser(_ userID: Int64, inactive: Bool) {
        state.withLockedValue { $0.users[userID] = (inactive, .now) }
    }

    /// Replaces the set with `snapshot`, read from a query started at `startedAt`; what this
    /// process learnt after that instant (a NOTIFY racing the reload) is kept on top.
    package func replace(with snapshot: RevocationSnapshot, readSince startedAt: ContinuousClock.Instant) {
        state.withLockedValue { state in
            var tokens = state.tokens.filter { $0.value >= startedAt }
            for id in snapshot.tokenIDs where tokens[id] == nil { tokens[id] = startedAt }
            var users = state.users.filter { $0.value.learnt >= startedAt }
            for id in snapshot.inactiveUserIDs where users[id] == nil { users[id] = (true, startedAt) }
            state.tokens = tokens
            state.users = users
            state.loaded = true
        }
    }
}
