import Spec

/// An object of a kind with its name: how a rename's two changes are found in a plan.
struct RenameKey: Hashable, Sendable {
    var kind: ResourceKind
    var name: String
}

/// A destroy and a create that are one object under a new name: a repository whose arch, url,
/// type, debug and production flags stay while its name changes, and the store repository of
/// each such repository. Derived from the plan's changes (not saved, not applied differently).
package struct PlanRename: Sendable, Hashable {
    package var kind: ResourceKind
    package var oldName: String
    package var newName: String

    var oldKey: RenameKey { RenameKey(kind: kind, name: oldName) }
    var newKey: RenameKey { RenameKey(kind: kind, name: newName) }
}

extension Plan {
    /// The renames in this plan: a repository created and one destroyed (or kept) that agree on
    /// everything but the name, paired only when the match is one-to-one; then their store
    /// repositories.
    package var renames: [PlanRename] {
        struct Identity: Hashable {
            var arch: String
            var url: String
            var type: String
            var debug: Bool
            var production: Bool
        }
        func identity(_ r: Repository) -> Identity {
            Identity(arch: r.arch, url: r.url, type: r.type, debug: r.debug, production: r.production)
        }
        var created: [Identity: [Repository]] = [:]
        var gone: [Identity: [Repository]] = [:]
        for change in changes where change.kind == .repository {
            switch (change.action, change.desired, change.actual) {
            case (.create, .repository(let r)?, _): created[identity(r), default: []].append(r)
            case (.delete, _, .repository(let r)?), (.keep, nil, .repository(let r)?):
                gone[identity(r), default: []].append(r)
            default: break
            }
        }
        var out: [PlanRename] = []
        let store = Dictionary(
            changes.filter { $0.kind == .storeRepository }.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for (id, new) in created {
            guard new.count == 1, let old = gone[id], old.count == 1 else { continue }
            out.append(PlanRename(kind: .repository, oldName: old[0].key.description, newName: new[0].key.description))
            let oldStore = StoreNaming.storeName(old[0].key)
            let newStore = StoreNaming.storeName(new[0].key)
            if let o = store[oldStore], o.desired == nil, o.action == .delete || o.action == .keep,
                store[newStore]?.action == .create
            {
                out.append(PlanRename(kind: .storeRepository, oldName: oldStore, newName: newStore))
            }
        }
        return out.sorted { ($0.kind.order, $0.newName) < ($1.kind.order, $1.newName) }
    }
}
