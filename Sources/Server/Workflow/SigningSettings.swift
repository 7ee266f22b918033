/// Tunables of signing: the sign tasks handed to sign nodes and the verification queue behind
/// `POST /api/v1/sign-tasks/{id}/complete/` (`SignVerificationWorker`).
package struct SigningSettings: Sendable, Equatable {
    /// A started sign task whose node has not completed it for this long goes back to idle
    /// (`KILN_SIGN_TIMEOUT`).
    package var timeout: Duration
    /// Most packages one sign task holds; a larger build is split into several tasks
    /// (`KILN_SIGN_BATCH`).
    package var batchSize: Int
    /// Verification jobs one `kiln serve` process runs at once.
    package var workers: Int = 2
    /// How long a worker's claim holds a verification job (renewed while it runs).
    package var lease: Duration = .seconds(30)
    /// How often an idle worker looks for due jobs.
    package var pollInterval: Duration = .milliseconds(200)
    /// The back-off after a failed attempt (the artifact store away): `retryBase × 2^(attempts - 1)`,
    /// at most `retryMax`.
    package var retryBase: Duration = .seconds(1)
    package var retryMax: Duration = .seconds(15)

    /// The default of `timeout`: 10 minutes.
    package static let defaultTimeout: Duration = .seconds(600)
    /// The default of `batchSize`.
    package static let defaultBatchSize = 500

    package init(timeout: Duration = SigningSettings.defaultTimeout, batchSize: Int = SigningSettings.defaultBatchSize)
    {
        self.timeout = timeout
        self.batchSize = batchSize
    }

    /// The delay before the next attempt after `attempts` failed ones.
    package func backoff(afterAttempts attempts: Int) -> Duration {
        let exponent = min(max(attempts - 1, 0), 20)
        return min(retryBase * (1 << exponent), retryMax)
    }
}
