import Testing

@testable import Spec

/// `sign-keys/*.yml`: the public key (inline or in a file next to the YAML) must parse and hold
/// the declared fingerprint; platforms are declared and must exist. Every problem at its
/// file:line:column; the AlmaLinux 9 key of `examples/` is the real key.
@Suite struct SignKeyRulesTests {
    static let fingerprint = "BF18AC2876178908D6E71267D36CB86CB86B3716"

    /// A key file: ids of the AlmaLinux 9 key, `extra` appended (public key, platforms, ...).
    static func keyYAML(_ extra: String, fingerprint: String = fingerprint) -> String {
        "name: al9\nkeyid: \(fingerprint.suffix(16))\nfingerprint: \(fingerprint)\n" + extra
    }

    /// The files of a valid state: one platform P1, `files` added.
    static func state(_ files: [String: String]) -> SpecResult {
        var all = files
        all["platforms/p.yml"] = platformYAML("P1")
        return load(all)
    }

    static var inlineKey: String {
        "public_key: |\n"
            + almaLinux9PublicKey.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.isEmpty ? "" : "  " + $0 }.joined(separator: "\n")
    }

    @Test func theRealKeyInlineOrInAFileIsReadWithItsPlatforms() throws {
        #expect(!almaLinux9PublicKey.isEmpty)
        let inline = Self.state([
            "sign-keys/al9.yml": Self.keyYAML(Self.inlineKey + "platforms: [P1]\nsign_files: true\n")
        ])
        #expect(lines(inline) == [])
        let key = try #require(inline.state.signKeys.first)
        #expect(key.publicKey.hasPrefix("-----BEGIN PGP PUBLIC KEY BLOCK-----\n"))
        #expect(key.platforms == ["P1"])
        #expect(key.active && key.signFiles)
        let parsed = try OpenPGPPublicKey(armored: key.publicKey)
        #expect(parsed.primary.fingerprint == Self.fingerprint)
        #expect(parsed.subkeys.map(\.fingerprint) == ["C96ED6211012570AB3836457B7BB94F0C9BA6CAA"])
        #expect(parsed.userIDs == ["AlmaLinux OS 9 <packager@almalinux.org>"])

        let file = Self.state([
            "sign-keys/al9.yml": Self.keyYAML("public_key_file: keys/al9.asc\nplatforms: [P1]\nactive: false\n"),
            "sign-keys/keys/al9.asc": almaLinux9PublicKey
        ])
        #expect(lines(file) == [])
        #expect(file.state.signKeys.first?.publicKey == almaLinux9PublicKey)
        #expect(file.state.signKeys.first?.active == false)
        #expect(file.counts.signKeys == 1)  // the .asc file is not an object of its own
    }

    @Test func aFingerprintTheKeyDoesNotHoldIsReportedAtTheFingerprint() {
        let other = "AAAAAC2876178908D6E71267D36CB86CB86B3716"
        let result = Self.state([
            "sign-keys/al9.yml": Self.keyYAML("public_key_file: al9.asc\nplatforms: [P1]\n", fingerprint: other),
            "sign-keys/al9.asc": almaLinux9PublicKey
        ])
        #expect(
            lines(result) == [
                "sign-keys/al9.yml:3:14: 'fingerprint' \(other) does not match the public key: its key "
                    + "fingerprints are \(Self.fingerprint), C96ED6211012570AB3836457B7BB94F0C9BA6CAA"
            ])
    }

    @Test func aDamagedKeyIsReportedAtItsLineInTheFileOrInTheYAML() {
        var lines51 = almaLinux9PublicKey.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines51[50] == "=jk2t")
        lines51[50] = "=jk2u"
        let badChecksum = lines51.joined(separator: "\n")
        var badChar = almaLinux9PublicKey.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        badChar[9] = "!" + badChar[9].dropFirst()
        let result = Self.state([
            "sign-keys/a.yml": Self.keyYAML("public_key_file: a.asc\nplatforms: [P1]\n"),
            "sign-keys/a.asc": badChecksum,
            "sign-keys/b.yml": "name: b\nkeyid: D36CB86CB86B3716\nfingerprint: \(Self.fingerprint)\n"
                + "public_key_file: b.asc\nplatforms: [P1]\n",
            "sign-keys/b.asc": badChar.joined(separator: "\n"),
            "sign-keys/c.yml": "name: c\nkeyid: D36CB86CB86B3716\nfingerprint: \(Self.fingerprint)\nplatforms: [P1]\n"
                + Self.inlineKey.split(separator: "\n", omittingEmptySubsequences: false).map {
                    $0 == "  =jk2t" ? "  =jk2u" : String($0)
                }
                .joined(separator: "\n")
        ])
        let got = lines(result)
        #expect(got.count == 5, "\(got)")  // and b and c reuse a's keyid
        #expect(
            got.contains(
                "sign-keys/c.yml:2:8: keyid D36CB86CB86B3716 is already used by the sign key at sign-keys/a.yml:2:8"),
            "\(got)")
        #expect(lines(result).contains { $0.hasPrefix("sign-keys/a.asc:51:1: public key: armor checksum '=jk2u'") })
        #expect(lines(result).contains("sign-keys/b.asc:10:1: public key: not base64: '\(badChar[9].prefix(40))'"))
        // line 5 holds `public_key: |`: the key's line 51 is 51 lines below it
        #expect(lines(result).contains { $0.hasPrefix("sign-keys/c.yml:56:13: public key: armor checksum '=jk2u'") })
    }

    @Test func aPrivateKeyATruncatedKeyAndTextThatIsNoKeyAreRefused() {
        let truncated = almaLinux9PublicKey.split(separator: "\n").prefix(20).joined(separator: "\n")
        let result = Self.state([
            "sign-keys/a.yml": Self.keyYAML("public_key_file: a.asc\nplatforms: [P1]\n"),
            "sign-keys/a.asc":
                "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nlQcYBGHm\n-----END PGP PRIVATE KEY BLOCK-----\n",
            "sign-keys/b.yml":
                "name: b\nkeyid: 0123456789ABCDEF\nfingerprint: 0000000000000000000000000123456789ABCDEF\n"
                + "public_key_file: b.asc\nplatforms: [P1]\n",
            "sign-keys/b.asc": truncated,
            "sign-keys/c.yml":
                "name: c\nkeyid: 1123456789ABCDEF\nfingerprint: 0000000000000000000000001123456789ABCDEF\n"
                + "public_key: not a key\nplatforms: [P1]\n"
        ])
        let got = lines(result)
        #expect(got.count == 3, "\(got)")
        #expect(got.contains { $0.hasPrefix("sign-keys/a.asc:1:1: public key: this is a PRIVATE key") })
        #expect(got.contains { $0.hasPrefix("sign-keys/b.asc:20:1: public key: the key block has no") })
        #expect(
            got.contains(
                "sign-keys/c.yml:4:13: public key: expected an ASCII-armored OpenPGP public key starting with "
                    + "'-----BEGIN PGP PUBLIC KEY BLOCK-----'"))
    }

    @Test func theKeyFileMustBeInTheFolderPresentAndDeclaredOnce() {
        let result = Self.state([
            "sign-keys/a.yml": Self.keyYAML("public_key_file: ../platforms/p.yml\nplatforms: [P1]\n"),
            "sign-keys/b.yml":
                "name: b\nkeyid: 1123456789ABCDEF\nfingerprint: 0000000000000000000000001123456789ABCDEF\n"
                + "public_key_file: missing.asc\nplatforms: [P1]\n",
            "sign-keys/c.yml":
                "name: c\nkeyid: 2123456789ABCDEF\nfingerprint: 0000000000000000000000002123456789ABCDEF\n"
                + "public_key: x\npublic_key_file: c.asc\nplatforms: [P1]\n",
            "sign-keys/d.yml":
                "name: d\nkeyid: 3123456789ABCDEF\nfingerprint: 0000000000000000000000003123456789ABCDEF\n"
                + "platforms: [P1]\n"
        ])
        #expect(
            lines(result) == [
                "sign-keys/a.yml:4:18: 'public_key_file' must name a file inside sign-keys/, found '../platforms/p.yml'",
                "sign-keys/b.yml:4:18: 'public_key_file' names sign-keys/missing.asc, which is not in the repository",
                "sign-keys/c.yml:5:18: 'public_key' and 'public_key_file' are both set: declare the public key once",
                "sign-keys/d.yml:1:1: missing required key 'public_key' in sign key: the ASCII-armored public key, "
                    + "inline (public_key: |) or in a file next to this one (public_key_file: NAME.asc)"
            ])
    }

    @Test func platformsAreRequiredKnownAndListedOnce() {
        let result = Self.state([
            "sign-keys/a.asc": almaLinux9PublicKey,
            "sign-keys/a.yml": Self.keyYAML("public_key_file: a.asc\nplatforms: [P1, Nope, P1]\nactive: maybe\n"),
            "sign-keys/b.yml":
                "name: b\nkeyid: 1123456789ABCDEF\nfingerprint: 0000000000000000000000001123456789ABCDEF\n"
                + "public_key: x\nplatforms: []\n"
        ])
        let got = lines(result)
        #expect(got.contains("sign-keys/a.yml:5:17: sign key 'al9' names unknown platform 'Nope'"), "\(got)")
        #expect(got.contains("sign-keys/a.yml:5:23: platform 'P1' is listed twice in sign key 'al9'"), "\(got)")
        #expect(got.contains("sign-keys/a.yml:6:9: 'active' must be true or false, found a string 'maybe'"), "\(got)")
        #expect(
            got.contains(
                "sign-keys/b.yml:5:12: 'platforms' must name at least one platform the key may sign builds of"),
            "\(got)")
    }

    @Test func crc24IsTheRFCChecksum() {
        // RFC 9580's CRC-24 of "123456789" is 0x21CF02.
        #expect(ArmoredBlock.crc24(Array("123456789".utf8)) == 0x21_CF02)
    }
}
