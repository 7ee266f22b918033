import Foundation
import Hummingbird
import NIOCore
import NIOFoundationEssentialsCompat

/// Decoding of JSON request bodies with FastAPI-like answers: malformed JSON is 400,
/// a body of the wrong shape is 422, both with a `detail` naming the field; a body over the
/// request's size limit (`KilnRequestContext.maxBodySize`) is 413 naming the limit, refused
/// from its `Content-Length` before it is read.
package enum RequestBody {
    /// Decodes the request body as `T`.
    package static func decode<T: Decodable>(
        _ type: T.Type, from request: Request, context: KilnRequestContext
    ) async throws -> T {
        let data = try await collect(request, limit: context.maxBodySize)
        if data.isEmpty { throw APIError(.unprocessableContent, "Request body is required") }
        try checkDepth(data)
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            // Malformed JSON is a 400; well-formed JSON of the wrong shape a 422.
            if (try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])) == nil {
                throw APIError(.badRequest, "Malformed JSON body")
            }
            throw APIError(.unprocessableContent, describe(error))
        }
    }

    /// The raw body, at most `limit` bytes (413 naming the limit otherwise, checked against
    /// `Content-Length` before reading when the client sent one).
    package static func collect(
        _ request: Request, limit: Int, setting: String = "KILN_MAX_BODY_SIZE"
    ) async throws
        -> Data
    {
        let tooLarge = APIError(
            .contentTooLarge, "Request body is larger than the limit of \(limit) bytes (\(setting))")
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit { throw tooLarge }
        do {
            return Data(buffer: try await request.body.collect(upTo: limit))
        } catch is NIOTooManyBytesError {
            throw tooLarge
        }
    }

    /// Refuses JSON nested deeper than `RequestLimits.maxJSONDepth` (400), before any parser
    /// recurses into it.
    static func checkDepth(_ data: Data) throws {
        var depth = 0
        var inString = false
        var escaped = false
        for byte in data {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                if depth > RequestLimits.maxJSONDepth {
                    throw APIError(
                        .badRequest, "JSON body is nested deeper than \(RequestLimits.maxJSONDepth) levels")
                }
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
            default: break
            }
        }
    }

    /// A one-line description of a decoding error naming the offending field.
    static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            let parts = keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            return parts.isEmpty ? "body" : parts.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "Field required: \(path(context.codingPath + [key]))"
        case .valueNotFound(_, let context):
            return "Field must not be null: \(path(context.codingPath))"
        case .typeMismatch(let type, let context):
            return "Wrong type for \(path(context.codingPath)): expected \(type)"
        case .dataCorrupted(let context):
            return "Invalid value for \(path(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "Invalid request body"
        }
    }
}
