import Foundation

/// The parsers settings share: one per kind of value, so equal kinds are equally strict.
enum SettingParsers {
    /// A positive duration: seconds (`60`, `2.5`) or a number with a unit (`250ms`, `30s`, `5m`, `1h`).
    @Sendable static func duration(_ raw: String) throws -> Duration {
        let reason = "expected seconds (60) or a duration with a unit (250ms, 30s, 5m, 1h)"
        var number = Substring(raw)
        var factor = 1.0
        for (suffix, unitFactor) in [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)] where raw.hasSuffix(suffix) {
            number = raw.dropLast(suffix.count)
            factor = unitFactor
            break
        }
        guard let value = Double(number), value.isFinite else { throw InvalidValue(reason: reason) }
        let seconds = value * factor
        guard seconds > 0 else { throw InvalidValue(reason: "must be positive; " + reason) }
        guard seconds <= 1e9 else { throw InvalidValue(reason: "must be at most 1e9 seconds") }
        return .milliseconds(Int64((seconds * 1000).rounded(.up)))
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
        let allowed = raw.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0)
        }
        guard allowed, raw.count <= 64, !raw.hasPrefix("."), !raw.hasPrefix("-") else {
            throw InvalidValue(reason: "expected letters, digits, '-', '_' and '.' (at most 64, not starting with '.' or '-')")
        }
        return raw
    }

    /// An `http://` or `https://` URL with a host.
    @Sendable static func httpURL(_ raw: String) throws -> String {
        guard let components = URLComponents(string: raw),
              let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = components.host, !host.isEmpty
        else { throw InvalidValue(reason: "expected an http:// or https:// URL with a host") }
        return raw
    }

    /// A secret of at least `minimumLength` bytes.
    static func secret(minimumLength: Int) -> @Sendable (String) throws -> [UInt8] {
        { raw in
            let bytes = Array(raw.utf8)
            guard bytes.count >= minimumLength else {
                throw InvalidValue(reason: "it is \(bytes.count) bytes long; it must be at least \(minimumLength) bytes")
            }
            return bytes
        }
    }
}
