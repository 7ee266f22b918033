import Spec

/// `Spec.JSONValue` under a name that does not clash in files importing `Pulp` too.
public typealias JSONValueAlias = Spec.JSONValue
