import Artifacts
import HTTPTypes

/// Checks of a sign node's `complete` report, run whole before anything is written.
enum SignReportCheck {
    /// Longest `error_message` (a traceback), in UTF-8 bytes.
    static let messageLength = 256 * 1024

    /// The report's packages, checked: a successful report lists at least one; each has a
    /// positive id, a file name, an `rpm` type, an href of the configured store's shape, a
    /// 64-hex sha256; ids are unique.
    static func packages(
        _ body: SignTaskCompleteRequest, limits: RequestLimits, store: any ArtifactStore
    ) throws -> [SignedRpmInfo] {
        let packages = body.packages ?? []
        try InputCheck.count(
            packages.count, "packages", limit: limits.maxBuildArtifacts, setting: "KILN_MAX_BUILD_ARTIFACTS")
        if body.success && packages.isEmpty {
            throw APIError(.unprocessableContent, "packages: a successful report lists the signed packages")
        }
        var seen = Set<Int64>()
        for package in packages {
            try InputCheck.id(package.id, "packages: id")
            try InputCheck.text(package.name, "packages: name", maxLength: InputCheck.nameLength, empty: false)
            try InputCheck.text(package.arch, "packages: arch", maxLength: InputCheck.archLength)
            try InputCheck.text(package.href, "packages: href", maxLength: InputCheck.urlLength, empty: false)
            try InputCheck.text(package.fingerprint, "packages: fingerprint", maxLength: InputCheck.hashLength)
            try InputCheck.text(package.casHash, "packages: cas_hash", maxLength: InputCheck.hashLength)
            guard package.type == "rpm" else {
                throw APIError(
                    .unprocessableContent, "packages: type of \(package.name) is '\(package.type)'; Kiln signs rpm only"
                )
            }
            guard package.sha256.count == 64, package.sha256.allSatisfy(\.isHexDigit) else {
                throw APIError(.unprocessableContent, "packages: sha256 of \(package.name) must be 64 hex digits")
            }
            guard seen.insert(package.id).inserted else {
                throw APIError(.unprocessableContent, "packages: id \(package.id) is listed twice")
            }
            guard store.recognizesArtifact(href: package.href) else {
                throw APIError(
                    .unprocessableContent,
                    "packages: href '\(package.href)' of \(package.name) is not an artifact of Kiln's artifact store. "
                        + store.nodeUploadHint)
            }
        }
        return packages
    }
}
