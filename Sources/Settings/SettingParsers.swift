import Foundation

/// The parsers settings share: one per kind of value, so equal kinds are equally strict.
enum SettingParsers {
    /// A positive duration: seconds (`60`, `2.5`) or a number with a unit (`250ms`, `30s`, `5m`, `1h`).
    @Sendable static func duration(_ raw: String) throws -> Duration {
        let reason = "expected seconds (60) or a duration with a unit (250ms, 30s, 5m, 1h)"
        var number = Substring(raw)
        var millisecondsPerUnit = 1000.0
        for (suffix, unit) in [("ms", 1.0), ("s", 1000), ("m", 60_000), ("h", 3_600_000)] where raw.hasSuffix(suffix) {
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
}
