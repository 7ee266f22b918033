import Yams

/// A YAML scalar resolved with the YAML 1.2 core schema (no regular expressions: fast).
/// `yes`/`no`/`on`/`off` and dates stay strings; quoted scalars are always strings.
enum ScalarValue: Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)

    init(_ scalar: Node.Scalar) {
        let text = scalar.string
        let tag = scalar.tag.rawValue
        if tag == Tag.Name.str.rawValue || (scalar.style != .plain && scalar.style != .any) {
            self = .string(text)
            return
        }
        switch text {
        case "", "~", "null", "Null", "NULL": self = .null
        case "true", "True", "TRUE": self = .bool(true)
        case "false", "False", "FALSE": self = .bool(false)
        default:
            if let i = ScalarValue.integer(text) {
                self = .int(i)
            } else if let d = ScalarValue.number(text) {
                self = .double(d)
            } else {
                self = .string(text)
            }
        }
    }

    /// Whether a scalar is null, without resolving anything else (hot path).
    static func isNull(_ scalar: Node.Scalar) -> Bool {
        guard scalar.style == .plain || scalar.style == .any else { return false }
        let text = scalar.string
        guard text.utf8.count <= 4 else { return false }
        return ScalarValue(scalar) == .null
    }

    /// Decimal (`-12`), octal (`0o17`) or hexadecimal (`0x1F`) integer.
    static func integer(_ text: String) -> Int? {
        if text.hasPrefix("0x") { return Int(text.dropFirst(2), radix: 16) }
        if text.hasPrefix("0o") { return Int(text.dropFirst(2), radix: 8) }
        guard let first = text.utf8.first,
            first == UInt8(ascii: "-") || first == UInt8(ascii: "+")
                || (first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9"))
        else { return nil }
        return Int(text)
    }

    /// `1.5`, `-2e3`, `.5`, `.inf`, `-.inf`, `.nan`.
    static func number(_ text: String) -> Double? {
        switch text {
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .infinity
        case "-.inf", "-.Inf", "-.INF": return -.infinity
        case ".nan", ".NaN", ".NAN": return .nan
        default: break
        }
        var digits = false
        for c in text.utf8 {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digits = true
            case UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"),
                UInt8(ascii: "+"), UInt8(ascii: "-"):
                continue
            default: return nil
            }
        }
        return digits ? Double(text) : nil
    }
}

extension Node {
    /// How a node is named in messages: `a mapping`, `a list`, `a string 'x'`, `an integer`, ...
    var kindDescription: String {
        switch self {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar(let s):
            switch ScalarValue(s) {
            case .null: return "null"
            case .bool(let b): return "a boolean (\(b))"
            case .int(let i): return "an integer (\(i))"
            case .double: return "a number (\(s.string))"
            case .string(let t): return "a string '\(t)'"
            }
        }
    }

    /// A free-form value (a platform's `data`).
    var jsonValue: JSONValue {
        switch self {
        case .scalar(let s):
            switch ScalarValue(s) {
            case .null: return .null
            case .bool(let b): return .bool(b)
            case .int(let i): return .int(i)
            case .double(let d): return .double(d)
            case .string(let t): return .string(t)
            }
        case .sequence(let seq): return .array(seq.map(\.jsonValue))
        case .mapping(let map):
            var object: [String: JSONValue] = [:]
            for (k, v) in map { object[k.scalar?.string ?? "\(k)"] = v.jsonValue }
            return .object(object)
        case .alias: return .null
        }
    }
}
