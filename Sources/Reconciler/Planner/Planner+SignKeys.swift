import Spec

extension Planner {
    static func attributes(_ k: SignKey) -> [String: JSONValue] {
        ["description": .string(k.description), "keyid": .string(k.keyid),
         "fingerprint": .string(k.fingerprint), "public_url": .string(k.publicURL)]
    }

    static func attributes(_ k: ActualSignKey) -> [String: JSONValue] {
        ["description": .string(k.description), "keyid": .string(k.keyid),
         "fingerprint": .string(k.fingerprint), "public_url": .string(k.publicURL)]
    }

    /// Sign keys: create, update, delete unless sign tasks use them.
    public static func reconcileSignKeys(desired: DesiredState, actual: ActualState) -> [Change] {
        let want = Dictionary(desired.signKeys.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let have = Dictionary(actual.signKeys.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        return Set(want.keys).union(have.keys).sorted().compactMap { name in
            change(kind: .signKey, name: name, desired: want[name].map(attributes),
                   actual: have[name].map(attributes), actualOrigin: have[name]?.origin,
                   usedBy: have[name]?.usedBy ?? [])
        }
    }
}
