import Spec

extension Planner {
    /// Platform flavors: modularity, data and linked repositories. A flavor a build names is
    /// never deleted (`build_platform_flavors` refers to it).
    package static func reconcileFlavors(desired: DesiredState, actual: ActualState) -> [Change] {
        let want = Dictionary(desired.flavors.map { ($0.name, $0.normalized) }, uniquingKeysWith: { a, _ in a })
        let have = Dictionary(
            actual.flavors.map { a -> (String, Actual<Flavor>) in
                var normalized = a
                normalized.record = a.record.normalized
                return (a.record.name, normalized)
            }, uniquingKeysWith: { a, _ in a })
        return Set(want.keys).union(have.keys).sorted().compactMap { name in
            change(Resource.flavor, desired: want[name], actual: have[name])
        }
    }
}

extension Flavor {
    /// The same flavor with integral numbers as integers and repos in key order, so a desired
    /// flavor equals the one read back from JSONB.
    var normalized: Flavor {
        var f = self
        f.data = f.data.mapValues(\.normalized)
        f.modularity = f.modularity?.mapValues(\.normalized)
        f.repos.sort { $0.key < $1.key }
        return f
    }
}
