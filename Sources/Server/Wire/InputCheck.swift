import HTTPTypes

/// Checks of the text and numbers a request carries, run on the whole body before anything is
/// written (database or artifact store): a refused value is a 422 naming the field.
/// PostgreSQL refuses NUL in `text`, so a NUL must never reach a query.
enum InputCheck {
    /// Longest name (platform, package, artifact file name), in UTF-8 bytes.
    static let nameLength = 255
    /// Longest arch.
    static let archLength = 64
    /// Longest URL, href, path or git ref.
    static let urlLength = 4096
    /// Longest hash (commit hash, CAS hash).
    static let hashLength = 256

    /// `value` has no NUL and at most `maxLength` UTF-8 bytes; `empty: false` also refuses "".
    static func text(_ value: String, _ field: String, maxLength: Int, empty: Bool = true) throws {
        if !empty && value.isEmpty {
            throw APIError(.unprocessableContent, "\(field) must not be empty")
        }
        if value.utf8.contains(0) {
            throw APIError(.unprocessableContent, "\(field) must not contain NUL bytes")
        }
        if value.utf8.count > maxLength {
            throw APIError(.unprocessableContent, "\(field) is longer than \(maxLength) bytes")
        }
    }

    /// `text` for an optional value (nil passes).
    static func text(_ value: String?, _ field: String, maxLength: Int) throws {
        if let value { try text(value, field, maxLength: maxLength) }
    }

    /// An id: a positive integer.
    static func id(_ value: Int64, _ field: String) throws {
        guard value > 0 else {
            throw APIError(.unprocessableContent, "\(field) must be a positive integer, got \(value)")
        }
    }

    /// At most `limit` items (`setting`: the variable that sets the limit, named in the answer).
    static func count(_ count: Int, _ field: String, limit: Int, setting: String? = nil) throws {
        guard count <= limit else {
            let source = setting.map { " (\($0))" } ?? ""
            throw APIError(.unprocessableContent, "\(field) lists \(count) items; the limit is \(limit)\(source)")
        }
    }
}
