import Foundation
import Server

/// The keys of a wire type's JSON, for strict checks: every declared field present, no other.
struct KeyMismatch: Error, CustomStringConvertible {
    var path: String
    var missing: [String]
    var extra: [String]
    var description: String { "\(path): missing \(missing), unexpected \(extra)" }
}

/// Throws unless `object` has exactly `keys`.
func expectKeys(_ object: Any?, _ keys: [String], at path: String) throws {
    guard let object = object as? [String: Any] else {
        throw KeyMismatch(path: path, missing: keys, extra: [])
    }
    let have = Set(object.keys)
    let want = Set(keys)
    if have != want {
        throw KeyMismatch(path: path, missing: want.subtracting(have).sorted(), extra: have.subtracting(want).sorted())
    }
}

extension NodeTaskAnswer {
    /// Decodes a `get_task` answer, first checking that it has exactly this type's keys at every
    /// level (a null field must still be present, as the ALBS node's model requires).
    static func strictlyDecoded(from data: Data) throws -> NodeTaskAnswer {
        let json = try JSONSerialization.jsonObject(with: data)
        try expectKeys(json, CodingKeys.allCases.map(\.rawValue), at: "task")
        let object = json as? [String: Any] ?? [:]
        try expectKeys(object["ref"], Ref.CodingKeys.allCases.map(\.rawValue), at: "task.ref")
        try expectKeys(object["platform"], Platform.CodingKeys.allCases.map(\.rawValue), at: "task.platform")
        try expectKeys(object["created_by"], CreatedBy.CodingKeys.allCases.map(\.rawValue), at: "task.created_by")
        for (index, repository) in (object["repositories"] as? [Any] ?? []).enumerated() {
            try expectKeys(
                repository, Repository.CodingKeys.allCases.map(\.rawValue), at: "task.repositories[\(index)]")
        }
        return try WireJSON.decoder().decode(NodeTaskAnswer.self, from: data)
    }
}
