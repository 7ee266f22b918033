import Foundation
import Hummingbird

/// How Kiln writes and reads its wire types: timestamps as PostgreSQL renders them in JSON
/// (`2026-03-01T12:00:00.123456+00:00`, UTC, trailing zeros of the fraction dropped), slashes
/// unescaped, keys sorted (the same value always gives the same bytes).
package enum WireJSON {
    /// The encoder of every typed answer (`KilnRequestContext.responseEncoder`).
    package static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(timestamp(date))
        }
        return encoder
    }

    /// A decoder for the wire types (tests, tools): accepts the timestamps `encoder()` writes
    /// and PostgreSQL's JSON renders.
    package static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = parseTimestamp(text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a timestamp: \(text)")
            }
            return date
        }
        return decoder
    }

    /// `date` in UTC as PostgreSQL's `to_json(timestamptz)` writes it, microsecond precision.
    package static func timestamp(_ date: Date) -> String {
        let micros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
        let (seconds, fraction) = micros.quotientAndRemainder(dividingBy: 1_000_000)
        let whole = fraction < 0 ? (seconds - 1, fraction + 1_000_000) : (seconds, fraction)
        let base = Date(timeIntervalSince1970: Double(whole.0)).formatted(.iso8601)  // 2026-03-01T12:00:00Z
        var digits = whole.1 == 0 ? "" : String(String(whole.1 + 1_000_000).dropFirst())
        while digits.hasSuffix("0") { digits.removeLast() }
        return String(base.dropLast()) + (digits.isEmpty ? "" : "." + digits) + "+00:00"
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.ffffff](Z|±HH:MM)`.
    package static func parseTimestamp(_ text: String) -> Date? {
        guard text.count >= 20 else { return nil }
        let head = String(text.prefix(19))
        var rest = Substring(text.dropFirst(19))
        var fraction = 0.0
        if rest.hasPrefix(".") {
            let digits = rest.dropFirst().prefix { $0.isNumber }
            guard let value = Double("0." + digits) else { return nil }
            fraction = value
            rest = rest.dropFirst(1 + digits.count)
        }
        var offset = 0
        if rest == "Z" {
            offset = 0
        } else {
            guard rest.count == 6, let sign = rest.first, sign == "+" || sign == "-",
                let hours = Int(rest.dropFirst().prefix(2)), let minutes = Int(rest.suffix(2))
            else { return nil }
            offset = (hours * 3600 + minutes * 60) * (sign == "-" ? -1 : 1)
        }
        guard let base = try? Date(head + "Z", strategy: .iso8601) else { return nil }
        return base.addingTimeInterval(fraction - Double(offset))
    }
}

/// An optional field written as `null` when absent (synthesized `Codable` would leave the key out);
/// a missing key decodes as nil.
@propertyWrapper
package struct Nullable<Value: Codable & Sendable & Equatable>: Codable, Sendable, Equatable {
    package var wrappedValue: Value?

    package init(wrappedValue: Value?) {
        self.wrappedValue = wrappedValue
    }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        wrappedValue = container.decodeNil() ? nil : try container.decode(Value.self)
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let wrappedValue { try container.encode(wrappedValue) } else { try container.encodeNil() }
    }
}

extension KeyedDecodingContainer {
    /// A `Nullable` field whose key is missing is nil.
    package func decode<Value>(_ type: Nullable<Value>.Type, forKey key: Key) throws -> Nullable<Value> {
        try decodeIfPresent(type, forKey: key) ?? Nullable(wrappedValue: nil)
    }
}

/// A typed answer with a status other than 200.
package struct WireAnswer<Body: Encodable & Sendable>: ResponseGenerator {
    package var status: HTTPResponse.Status
    package var body: Body

    package init(_ status: HTTPResponse.Status, _ body: Body) {
        self.status = status
        self.body = body
    }

    package func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = try context.responseEncoder.encode(body, from: request, context: context)
        response.status = status
        return response
    }
}

/// `{"ok": true}`.
package struct OKAnswer: Codable, Sendable, Equatable, ResponseEncodable {
    package var ok: Bool

    package init(ok: Bool = true) {
        self.ok = ok
    }
}
