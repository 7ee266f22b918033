/// The git repository `kiln serve` reconciles from (`--repo PATH|URL --path SUBDIR --ref REF`).
/// Consumed by the reconcile loop and the reconcile/webhook routes.
package struct DesiredStateSource: Sendable, Equatable {
    /// A local path or a remote URL of the desired-state repository.
    package var repository: String
    /// The folder inside the repository that holds `platforms/`, `releases/`, ... ("" for the root).
    package var path: String
    /// The branch, tag or SHA to follow (nil: HEAD).
    package var ref: String?

    package init(repository: String, path: String = "", ref: String? = nil) {
        self.repository = repository
        self.path = path
        self.ref = ref
    }
}
