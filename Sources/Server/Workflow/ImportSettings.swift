/// Tunables of the artifact-import queue behind `build_done` (`BuildImportWorker`).
package struct ImportSettings: Sendable, Equatable {
    /// Jobs one `kiln serve` process imports at once.
    package var workers: Int = 4
    /// How long a claim holds a job: a job whose worker died is picked up again after this. An
    /// import still running then may be repeated by another worker: the store's writes are
    /// idempotent and the claim token lets only one completion write the result.
    package var lease: Duration = .seconds(20)
    /// How often an idle worker looks for due jobs.
    package var pollInterval: Duration = .milliseconds(200)
    /// The back-off after a failed attempt: `retryBase × 2^(attempts - 1)`, at most `retryMax`.
    package var retryBase: Duration = .seconds(1)
    package var retryMax: Duration = .seconds(15)

    package init() {}

    /// The delay before the next attempt after `attempts` failed ones.
    func backoff(afterAttempts attempts: Int) -> Duration {
        let exponent = min(max(attempts - 1, 0), 20)
        let delay = retryBase * (1 << exponent)
        return min(delay, retryMax)
    }
}
