import Foundation
import Logging

/// Which artifact store Kiln uses: Pulp when `KILN_PULP_URL` is set (with `KILN_PULP_USER`,
/// default `admin`, and `KILN_PULP_PASSWORD`), else the local store under
/// `$KILN_HOME/artifacts` (`KILN_HOME` defaults to `.kiln`).
public enum ArtifactStoreConfig: Sendable, Equatable {
    case pulp(url: String, username: String, password: String)
    case local(root: URL)

    /// Reads the configuration from `environment` (the process environment by default).
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> ArtifactStoreConfig {
        if let url = environment["KILN_PULP_URL"], !url.isEmpty {
            return .pulp(url: url, username: environment["KILN_PULP_USER"] ?? "admin",
                         password: environment["KILN_PULP_PASSWORD"] ?? "")
        }
        let home = environment["KILN_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? ".kiln"
        let root = URL(fileURLWithPath: home, isDirectory: true).appendingPathComponent("artifacts", isDirectory: true)
        return .local(root: root)
    }

    /// Builds the store; call `shutdown()` on it when done.
    public func makeStore(logger: Logger = Logger(label: "kiln.artifacts")) -> any ArtifactStore {
        switch self {
        case .pulp(let url, let username, let password):
            return PulpArtifactStore(url: url, username: username, password: password, logger: logger)
        case .local(let root):
            return LocalArtifactStore(root: root)
        }
    }

    public var description: String {
        switch self {
        case .pulp(let url, let username, _): return "pulp \(url) (user \(username))"
        case .local(let root): return "local \(root.path)"
        }
    }
}
