import Foundation

/// The parsers settings share: one per kind of value, so equal kinds are equally strict.
enum SettingParsers {
    /// A positive duration: seconds (`60`, `2.5`) or a number with a unit (`250ms`, `30s`, `5m`, `1h`, `7d`).
    @Sendable static func duration(_ raw: String) throws -> Duration {
        let reason = "expected seconds (60) or a duration with a unit (250ms, 30s, 5m, 1h, 7d)"
        var number = Substring(raw)
        var millisecondsPerUnit = 1000.0
        for (suffix, unit) in [("ms", 1.0), ("s", 1000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000)]
        where raw.hasSuffix(suffix) {
            number = raw.dropLast(suffix.count)
            millisecondsPerUnit = unit
            break
        }
        guard let value = Double(number), value.isFinite else { throw InvalidValue(reason: reason) }
        let milliseconds = (value * millisecondsPerUnit).rounded()
        guard milliseconds >= 1 else { throw InvalidValue(reason: "must be at least 1ms; " + reason) }
        guard milliseconds <= 1e12 else { throw InvalidValue(reason: "must be at most 1e9 seconds") }
        return .milliseconds(Int64(milliseconds))
    }

    /// A positive integer.
    @Sendable static func positiveInteger(_ raw: String) throws -> Int {
        guard let value = Int(raw), value > 0 else { throw InvalidValue(reason: "expected a positive integer") }
        return value
    }

    /// Any non-empty text, as given.
    @Sendable static func text(_ raw: String) throws -> String {
        raw
    }

    /// A name usable inside artifact-store repository names: letters, digits, `-`, `_`, `.`,
    /// not starting with `.` or `-`, at most 64 characters.
    @Sendable static func name(_ raw: String) throws -> String {
        let allowed = raw.unicodeScalars.allSatisfy { nameScalars.contains($0) }
        guard allowed, raw.count <= 64, !raw.hasPrefix("."), !raw.hasPrefix("-") else {
            throw InvalidValue(
                reason: "expected letters, digits, '-', '_' and '.' (at most 64, not starting with '.' or '-')")
        }
        return raw
    }

    private static let nameScalars = Set(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.".unicodeScalars)

    /// An `http://` or `https://` URL with a host.
    @Sendable static func httpURL(_ raw: String) throws -> String {
        guard let components = URLComponents(string: raw),
            let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = components.host, !host.isEmpty
        else { throw InvalidValue(reason: "expected an http:// or https:// URL with a host") }
        return raw
    }

    /// A comma-separated list of URL schemes (`http,https`), lowercased: each a letter, then
    /// letters, digits, `+`, `-` or `.`.
    @Sendable static func urlSchemes(_ raw: String) throws -> Set<String> {
        let reason = "expected URL schemes separated by commas (http,https)"
        let schemes = raw.lowercased().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard !schemes.isEmpty else { throw InvalidValue(reason: reason) }
        for scheme in schemes {
            guard let first = scheme.unicodeScalars.first, ("a"..."z").contains(first),
                scheme.unicodeScalars.allSatisfy({ schemeScalars.contains($0) })
            else { throw InvalidValue(reason: reason + "; '\(scheme)' is not a scheme") }
        }
        return Set(schemes)
    }

    private static let schemeScalars = Set("abcdefghijklmnopqrstuvwxyz0123456789+-.".unicodeScalars)

    /// A secret of at least `minimumLength` bytes.
    static func secret(minimumLength: Int) -> @Sendable (String) throws -> [UInt8] {
        { raw in
            let bytes = Array(raw.utf8)
            guard bytes.count >= minimumLength else {
                throw InvalidValue(
                    reason: "it is \(bytes.count) bytes long; it must be at least \(minimumLength) bytes")
            }
            return bytes
        }
    }

    /// Secrets separated by commas, each at least `minimumLength` bytes (an empty list when blank).
    static func secretList(minimumLength: Int) -> @Sendable (String) throws -> [[UInt8]] {
        { raw in
            try raw.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                .enumerated().map { index, secret in
                    let bytes = Array(secret.utf8)
                    guard bytes.count >= minimumLength else {
                        throw InvalidValue(
                            reason:
                                "secret \(index + 1) is \(bytes.count) bytes long; each must be at least \(minimumLength) bytes"
                        )
                    }
                    return bytes
                }
        }
    }

    /// Words separated by spaces or commas (OAuth scopes), at least one.
    @Sendable static func words(_ raw: String) throws -> [String] {
        let words = raw.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
        guard !words.isEmpty else { throw InvalidValue(reason: "expected words separated by spaces") }
        return words
    }

    /// Names separated by commas (forge organizations): letters, digits, `-`, `_`, `.`.
    @Sendable static func nameList(_ raw: String) throws -> [String] {
        let names = raw.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard !names.isEmpty, names.allSatisfy({ !$0.isEmpty }) else {
            throw InvalidValue(reason: "expected names separated by commas")
        }
        return try names.map { try name($0) }
    }
}
