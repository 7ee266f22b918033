import Hummingbird

/// JSON answers built from text PostgreSQL already rendered (the `get_task` hot path).
enum JSONResponse {
    /// `text` (a JSON document) as the body.
    static func raw(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        var buffer = ByteBuffer()
        buffer.writeString(text)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: buffer))
    }
}
