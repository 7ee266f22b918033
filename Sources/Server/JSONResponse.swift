import Foundation
import Hummingbird

/// JSON answers built from text PostgreSQL already rendered, or from a small dictionary.
enum JSONResponse {
    /// `text` (a JSON document) as the body.
    static func raw(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        var buffer = ByteBuffer()
        buffer.writeString(text)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: buffer))
    }

    /// `{"ok": true}` and the like.
    static func ok(_ value: Bool = true) -> Response {
        raw(value ? #"{"ok":true}"# : #"{"ok":false}"#)
    }
}
