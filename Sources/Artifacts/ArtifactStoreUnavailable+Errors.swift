extension ArtifactStoreUnavailable {
    /// Whether an error means the artifact store is away (not that a request was wrong): this
    /// error, or a `PulpError` of kind transport or timeout, or an HTTP answer of 500 and above.
    /// Callers retry those later with back-off.
    package static func isUnavailable(_ error: any Error) -> Bool {
        if error is ArtifactStoreUnavailable { return true }
        guard let error = error as? PulpError else { return false }
        switch error.kind {
        case .transport, .timeout: return true
        case .http: return (error.status ?? 0) >= 500
        case .taskFailed, .decoding: return false
        }
    }
}
