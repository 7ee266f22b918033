import Foundation
import Logging

/// Which artifact store Kiln uses: a Pulp server, or the local store in a folder
/// (`<home>/artifacts`). `kiln` chooses it from `KilnSettings` (`KILN_PULP_URL`, ...).
package enum ArtifactStoreConfig: Sendable, Equatable {
    case pulp(url: String, username: String, password: String)
    case local(root: URL)

    /// The local store under `home`: `<home>/artifacts`.
    package static func local(home: String) -> ArtifactStoreConfig {
        .local(
            root: URL(fileURLWithPath: home, isDirectory: true).appendingPathComponent("artifacts", isDirectory: true))
    }

    /// Builds the store; call `shutdown()` on it when done.
    package func makeStore(logger: Logger = Logger(label: "kiln.artifacts")) -> any ArtifactStore {
        switch self {
        case .pulp(let url, let username, let password):
            return PulpArtifactStore(url: url, username: username, password: password, logger: logger)
        case .local(let root):
            return LocalArtifactStore(root: root)
        }
    }

    package var description: String {
        switch self {
        case .pulp(let url, let username, _): return "pulp \(url) (user \(username))"
        case .local(let root): return "local \(root.path)"
        }
    }
}
