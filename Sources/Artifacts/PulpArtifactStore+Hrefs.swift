/// The hrefs a build node reports in `build_done` when it uploads to this Pulp.
extension PulpArtifactStore {
    static let artifactsPath = "/pulp/api/v3/artifacts/"

    /// `/pulp/api/v3/artifacts/<uuid>/`: the `pulp_href` Pulp answers an upload with (albs-node
    /// reports it as is). No request: a missing artifact of that shape fails in the import.
    package func recognizesArtifact(href: String) -> Bool {
        guard href.hasPrefix(Self.artifactsPath), href.hasSuffix("/") else { return false }
        return Self.isUUID(href.dropFirst(Self.artifactsPath.count).dropLast())
    }

    package var nodeUploadHint: String {
        "Kiln's artifact store is Pulp at \(client.baseURL); the node must upload to that Pulp (albs-node pulp_host: "
            + "\(client.baseURL), with its pulp_user and pulp_password) and report each artifact's pulp_href "
            + "(\(Self.artifactsPath)<uuid>/)"
    }

    /// `8-4-4-4-12` hex digits, as Pulp's primary keys are written.
    static func isUUID(_ text: Substring) -> Bool {
        let groups = text.split(separator: "-", omittingEmptySubsequences: false)
        return groups.map(\.count) == [8, 4, 4, 4, 12] && groups.allSatisfy { $0.allSatisfy(\.isHexDigit) }
    }
}
