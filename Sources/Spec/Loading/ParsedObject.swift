import Yams

/// One file's object after reading, before the checks that span files.
enum ParsedObject: Sendable {
    case platform(ParsedPlatform)
    case distribution(ParsedDistribution)
    case repository(ParsedRepository)
    case signKey(ParsedSignKey)
    case release(ParsedRelease)
    case flavor(ParsedFlavor)
    case retired(ParsedRetired)
    case team(ParsedTeam)
}

/// What reading one file gave: its object (if readable) and its own problems.
struct FileOutcome: Sendable {
    var object: ParsedObject?
    var diagnostics: [Diagnostic]

    /// Parses and reads one file on its own (safe to run concurrently with other files).
    /// `companions`: the other files of the kind folders (a sign key's `public_key_file`).
    init(_ file: SpecFile, kind: SpecKind, rules: SpecRules, companions: [String: SpecFile] = [:]) {
        var reader = FileReader(path: file.path, rules: rules)
        if let root = reader.document(file, kind: kind) {
            switch kind {
            case .platform: object = reader.platform(root).map(ParsedObject.platform)
            case .distribution: object = reader.distribution(root).map(ParsedObject.distribution)
            case .repository: object = reader.repository(root).map(ParsedObject.repository)
            case .signKey: object = reader.signKey(root, companions: companions).map(ParsedObject.signKey)
            case .release: object = reader.release(root).map(ParsedObject.release)
            case .flavor: object = reader.flavor(root).map(ParsedObject.flavor)
            case .retired: object = reader.retired(root).map(ParsedObject.retired)
            case .team: object = reader.team(root).map(ParsedObject.team)
            }
        } else {
            object = nil
        }
        diagnostics = reader.diagnostics
    }
}
