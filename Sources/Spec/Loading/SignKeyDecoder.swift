import Yams

/// A sign key as read, with the positions of its references.
struct ParsedSignKey {
    var value: SignKey
    var nameAt: SourceLocation
    var keyidAt: SourceLocation
    /// Position of each platform name in `platforms`.
    var platformsAt: [SourceLocation]
}

extension FileReader {
    static let signKeyKeys = [
        "name", "description", "keyid", "fingerprint", "public_url", "public_key", "public_key_file", "platforms",
        "active", "sign_files"
    ]

    /// Reads `sign-keys/*.yml`: keyid is 16 hex digits and the end of the 40-digit fingerprint;
    /// the public key (`public_key` inline, or `public_key_file` next to the YAML, found in
    /// `companions`) parses and holds a key with that fingerprint; `platforms` names at least one.
    mutating func signKey(_ root: Node, companions: [String: SpecFile]) -> ParsedSignKey? {
        guard let f = fields(root, of: "sign key", allowed: Self.signKeyKeys) else { return nil }
        let name = objectName(f)
        let description = string(f, "description", required: false) ?? ""
        let keyid = string(f, "keyid")
        let fingerprint = string(f, "fingerprint")
        let publicURL = url(f, "public_url", required: false) ?? ""
        let active = bool(f, "active", default: true)
        let signFiles = bool(f, "sign_files", default: false)
        var keyidOK = false
        var fingerprintOK = false
        if let keyid, let node = f.node("keyid") {
            keyidOK = Self.isHex(keyid, count: 16)
            if !keyidOK { report(node, "'keyid' must be 16 hexadecimal digits (the long key id), found '\(keyid)'") }
        }
        if let fingerprint, let node = f.node("fingerprint") {
            fingerprintOK = Self.isHex(fingerprint, count: 40)
            if !fingerprintOK { report(node, "'fingerprint' must be 40 hexadecimal digits, found '\(fingerprint)'") }
        }
        if keyidOK, fingerprintOK, let keyid, let fingerprint,
            fingerprint.uppercased().hasSuffix(keyid.uppercased()) == false, let node = f.node("keyid")
        {
            report(node, "'keyid' \(keyid) is not the last 16 digits of the fingerprint \(fingerprint)")
            keyidOK = false
        }
        let (platforms, platformsAt) = signKeyPlatforms(f, name: name ?? "")
        let armored = publicKeyText(f, companions: companions)
        if let armored {
            checkPublicKey(
                armored, f, keyid: keyidOK ? keyid : nil, fingerprint: fingerprintOK ? fingerprint : nil)
        }
        // A key whose public key was refused is still returned (its problem is reported), so
        // the checks across files report everything at once.
        guard let name, let keyid, let fingerprint,
            let nameNode = f.node("name"), let keyidNode = f.node("keyid")
        else { return nil }
        let key = SignKey(
            name: name, description: description, keyid: keyid, fingerprint: fingerprint, publicURL: publicURL,
            publicKey: armored?.text ?? "", platforms: platforms, active: active, signFiles: signFiles,
            location: location(root))
        return ParsedSignKey(
            value: key, nameAt: location(nameNode), keyidAt: location(keyidNode), platformsAt: platformsAt)
    }

    /// `platforms`: at least one, each once.
    private mutating func signKeyPlatforms(_ f: Fields, name: String) -> ([String], [SourceLocation]) {
        guard let items = stringList(f, "platforms") else { return ([], []) }
        if items.isEmpty, let node = f.node("platforms") {
            report(node, "'platforms' must name at least one platform the key may sign builds of")
        }
        var seen = Set<String>()
        var platforms: [String] = []
        var at: [SourceLocation] = []
        for (platform, node) in items {
            guard seen.insert(platform).inserted else {
                report(node, "platform '\(platform)' is listed twice in sign key '\(name)'")
                continue
            }
            platforms.append(platform)
            at.append(location(node))
        }
        return (platforms, at)
    }

    /// The armored key and where its line 1 is: inline `public_key`, or the file
    /// `public_key_file` names (relative to this file's folder, inside `sign-keys/`).
    private mutating func publicKeyText(
        _ f: Fields, companions: [String: SpecFile]
    ) -> (text: String, origin: KeyTextOrigin)? {
        let inline = f.node("public_key")
        let file = f.node("public_key_file")
        switch (inline, file) {
        case (nil, nil):
            report(
                f.node,
                "missing required key 'public_key' in sign key: the ASCII-armored public key, inline "
                    + "(public_key: |) or in a file next to this one (public_key_file: NAME.asc)")
            return nil
        case (.some, .some(let node)):
            report(node, "'public_key' and 'public_key_file' are both set: declare the public key once")
            return nil
        case (.some(let node), nil):
            guard let text = string(f, "public_key") else { return nil }
            var origin = KeyTextOrigin(location: location(node), kind: .scalar)
            if case .scalar(let s) = node, s.style == .literal || s.style == .folded { origin.kind = .block }
            return (text, origin)
        case (nil, .some(let node)):
            guard let relative = string(f, "public_key_file") else { return nil }
            guard let resolved = Self.resolve(relative, from: path) else {
                report(node, "'public_key_file' must name a file inside sign-keys/, found '\(relative)'")
                return nil
            }
            guard let companion = companions[resolved] else {
                report(node, "'public_key_file' names \(resolved), which is not in the repository")
                return nil
            }
            switch companion.entry {
            case .symlink:
                report(node, "'public_key_file' names \(resolved), a symlink: commit the key file itself")
                return nil
            case .tooLarge(let bytes):
                report(node, "'public_key_file' names \(resolved), \(bytes) bytes: too large for a public key")
                return nil
            case .regular:
                guard let text = String(validating: companion.contents, as: UTF8.self) else {
                    report(node, "'public_key_file' names \(resolved), which is not UTF-8 text (armor it)")
                    return nil
                }
                return (text, KeyTextOrigin(location: SourceLocation(file: resolved, line: 1, column: 1), kind: .file))
            }
        }
    }

    /// Parses the key and compares it with the declared fingerprint and key id.
    private mutating func checkPublicKey(
        _ armored: (text: String, origin: KeyTextOrigin), _ f: Fields, keyid: String?, fingerprint: String?
    ) {
        let key: OpenPGPPublicKey
        do {
            key = try OpenPGPPublicKey(armored: armored.text)
        } catch {
            report(at: armored.origin.at(line: error.line), "public key: \(error.message)")
            return
        }
        let actual = key.fingerprints.joined(separator: ", ")
        if let fingerprint, key.key(withFingerprint: fingerprint) == nil, let node = f.node("fingerprint") {
            report(
                node,
                "'fingerprint' \(fingerprint) does not match the public key: its key fingerprints are \(actual)")
        } else if let keyid, key.key(withID: keyid) == nil, let node = f.node("keyid") {
            report(node, "'keyid' \(keyid) does not match the public key: its key fingerprints are \(actual)")
        }
    }

    /// `relative` resolved against the folder of `yaml`, or nil when it leaves `sign-keys/`.
    static func resolve(_ relative: String, from yaml: String) -> String? {
        guard !relative.hasPrefix("/") else { return nil }
        var parts = yaml.split(separator: "/").dropLast().map(String.init)
        for part in relative.split(separator: "/") {
            switch part {
            case ".": continue
            case "..":
                guard parts.count > 1 else { return nil }
                parts.removeLast()
            default: parts.append(String(part))
            }
        }
        guard parts.first == SpecKind.signKey.folder, parts.count > 1 else { return nil }
        return parts.joined(separator: "/")
    }
}

/// Where a public key's text is: a file of its own, a YAML block scalar (`public_key: |`,
/// its text starting on the next line) or another YAML scalar (reported at its position).
struct KeyTextOrigin {
    enum Kind { case file, block, scalar }
    var location: SourceLocation
    var kind: Kind

    /// The position of `line` (1-based) of the text.
    func at(line: Int) -> SourceLocation {
        switch kind {
        case .file: SourceLocation(file: location.file, line: line, column: 1)
        case .block: SourceLocation(file: location.file, line: location.line + line, column: location.column)
        case .scalar: location
        }
    }
}
