import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// The few outbound HTTP calls Kiln makes to identity providers and the forge: JSON or form
/// bodies, a timeout, a bounded answer. One shared `HTTPClient` (AsyncHTTPClient's singleton).
package struct OutboundHTTP: Sendable {
    /// A call that got no answer (DNS, connect, TLS, timeout).
    package struct Unreachable: Error, CustomStringConvertible {
        package var url: String
        package var reason: String
        package var description: String { "\(url) is unreachable: \(reason)" }
    }

    /// An answer: status and body.
    package struct Answer: Sendable {
        package var status: Int
        package var body: Data
    }

    package var timeout: TimeAmount = .seconds(10)
    package var maxAnswerSize = 4 << 20
    package var userAgent = "kiln"

    package init() {}

    /// `GET url` with `headers`.
    package func get(_ url: String, headers: [(String, String)] = []) async throws -> Answer {
        var request = HTTPClientRequest(url: url)
        request.method = .GET
        return try await send(request, headers: headers)
    }

    /// `POST url` with an `application/x-www-form-urlencoded` body.
    package func postForm(
        _ url: String, form: [(String, String)], headers: [(String, String)] = []
    ) async throws
        -> Answer
    {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.body = .bytes(ByteBuffer(string: Self.formEncoded(form)))
        return try await send(request, headers: headers)
    }

    private func send(_ request: HTTPClientRequest, headers: [(String, String)]) async throws -> Answer {
        var request = request
        request.headers.add(name: "User-Agent", value: userAgent)
        for (name, value) in headers { request.headers.replaceOrAdd(name: name, value: value) }
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: timeout)
            let body = try await response.body.collect(upTo: maxAnswerSize)
            return Answer(status: Int(response.status.code), body: Data(body.readableBytesView))
        } catch {
            throw Unreachable(url: request.url, reason: "\(error)")
        }
    }

    /// `a=1&b=x%20y`: each name and value percent-encoded (RFC 3986 unreserved characters kept).
    package static func formEncoded(_ pairs: [(String, String)]) -> String {
        pairs.map { "\(percentEncoded($0.0))=\(percentEncoded($0.1))" }.joined(separator: "&")
    }

    /// `text` with everything but RFC 3986's unreserved characters percent-encoded.
    package static func percentEncoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }

    private static let unreserved = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    /// `base` with `query` appended (after `?`, or `&` when it already has a query).
    package static func url(_ base: String, query: [(String, String)]) -> String {
        base + (base.contains("?") ? "&" : "?") + formEncoded(query)
    }
}

extension OutboundHTTP.Answer {
    /// The body decoded as `T`, nil when it is not that JSON.
    package func json<T: Decodable>(_ type: T.Type) -> T? {
        try? JSONDecoder().decode(T.self, from: body)
    }
}
