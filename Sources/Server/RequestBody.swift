import Foundation
import Hummingbird
import NIOFoundationEssentialsCompat

/// Decoding of JSON request bodies with FastAPI-like answers: malformed JSON is 400,
/// a body of the wrong shape is 422, both with a `detail` naming the field.
package enum RequestBody {
    /// Largest JSON body accepted.
    package static let maxSize = 8 * 1024 * 1024

    /// Decodes the request body as `T`.
    package static func decode<T: Decodable>(_ type: T.Type, from request: Request) async throws -> T {
        let buffer = try await request.body.collect(upTo: maxSize)
        let data = Data(buffer: buffer)
        if data.isEmpty { throw APIError(.unprocessableContent, "Request body is required") }
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
