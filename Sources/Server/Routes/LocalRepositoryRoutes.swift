import Artifacts
import Foundation
import HTTPTypes
import Hummingbird

/// `GET`/`HEAD /repos/{repository}/{path...}`: the local artifact store's repositories as plain
/// files (`repodata/` from `createrepo_c`, packages, logs), so dnf and mock read them by URL.
/// Public and read-only, as Pulp's content app; only files inside the repository's `content/`
/// folder (no `..`, no hidden names, no directory listings), streamed from disk off the
/// event loop (Hummingbird's `FileIO`). Registered only when the store is the local one.
enum LocalRepositoryRoutes {
    /// The path the routes live under; `LocalArtifactStore.serve(at:)` is told `<origin>/repos/`.
    static let prefix = "repos"

    static func add(to router: Router<KilnRequestContext>, store: LocalArtifactStore) {
        let files = FileIO()
        let serve: @Sendable (Request, KilnRequestContext) async throws -> Response = { request, context in
            let name = context.parameters.get("repository") ?? ""
            let path = context.parameters.getCatchAll().map(String.init)
            guard let url = store.servedFile(repository: name, path: path),
                let kind = try? url.resourceValues(forKeys: [.isRegularFileKey]), kind.isRegularFile == true
            else {
                throw APIError(.notFound, "no file \(path.joined(separator: "/")) in repository \(name)")
            }
            let size = (try? url.resourceValues(forKeys: [.fileSizeKey]).fileSize) ?? 0
            var headers = HTTPFields()
            headers[.contentType] = contentType(of: url.lastPathComponent)
            headers[.contentLength] = String(size)
            if let noSniff = HTTPField.Name("X-Content-Type-Options") { headers[noSniff] = "nosniff" }
            if request.method == .head { return Response(status: .ok, headers: headers) }
            let body = try await files.loadFile(path: url.path, context: context)
            return Response(status: .ok, headers: headers, body: body)
        }
        router.get("\(prefix)/:repository/**", use: serve)
        router.head("\(prefix)/:repository/**", use: serve)
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
