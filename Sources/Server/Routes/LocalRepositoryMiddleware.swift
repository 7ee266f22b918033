import Artifacts
import Foundation
import HTTPTypes
import Hummingbird

/// `GET`/`HEAD /repos/{repository}/{path...}`: the local artifact store's repositories as plain
/// files (`repodata/` from `createrepo_c`, packages, logs), so dnf and mock read them by URL.
/// Public and read-only, as Pulp's content app; only regular files inside the repository's
/// `content/` folder (each segment percent-decoded, then no `..`, no hidden names, no listings),
/// streamed from disk off the event loop (Hummingbird's `FileIO`). A middleware rather than a
/// route, as Hummingbird's `FileMiddleware`: a file tree, not part of the API (`/openapi.json`).
/// Installed only when the store is the local one; it needs no database.
struct LocalRepositoryMiddleware: RouterMiddleware {
    typealias Context = KilnRequestContext
    /// The path the files live under; `LocalArtifactStore.serve(at:)` is told `<origin>/repos/`.
    static let prefix = "repos"

    let store: LocalArtifactStore
    let files = FileIO()

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let path = request.uri.path
        guard path.hasPrefix("/\(Self.prefix)/"), request.method == .get || request.method == .head else {
            return try await next(request, context)
        }
        var segments = path.split(separator: "/", omittingEmptySubsequences: true).dropFirst().map {
            $0.removingPercentEncoding ?? ""
        }
        let name = segments.isEmpty ? "" : segments.removeFirst()
        guard let url = store.servedFile(repository: name, path: segments),
            let values = try? url.resourceValues(forKeys: [.isRegularFileKey, .fileSizeKey]),
            values.isRegularFile == true
        else {
            throw APIError(.notFound, "no file \(segments.joined(separator: "/")) in repository \(name)")
        }
        var headers = HTTPFields()
        headers[.contentType] = Self.contentType(of: url.lastPathComponent)
        headers[.contentLength] = String(values.fileSize ?? 0)
        if let noSniff = HTTPField.Name("X-Content-Type-Options") { headers[noSniff] = "nosniff" }
        if request.method == .head { return Response(status: .ok, headers: headers) }
        let body = try await files.loadFile(path: url.path, context: context)
        return Response(status: .ok, headers: headers, body: body)
    }

    /// The content type of a file the store serves, by its extension.
    static func contentType(of fileName: String) -> String {
        switch (fileName as NSString).pathExtension.lowercased() {
        case "rpm": return "application/x-rpm"
        case "xml": return "application/xml"
        case "gz": return "application/gzip"
        case "bz2": return "application/x-bzip2"
        case "xz": return "application/x-xz"
        case "zst": return "application/zstd"
        case "zck": return "application/zchunk"
        case "sqlite": return "application/vnd.sqlite3"
        case "json": return "application/json"
        case "log", "txt", "cfg", "asc": return "text/plain; charset=utf-8"
        default: return "application/octet-stream"
        }
    }
}
