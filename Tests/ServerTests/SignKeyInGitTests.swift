import Foundation
import Processes
import Spec
import Testing

/// A key made by gpg, declared in git as a sign key: Kiln's own OpenPGP reader finds the same
/// fingerprint gpg reports, so `kiln validate` accepts the key with gpg's ids and refuses it
/// with another key's.
@Suite struct SignKeyInGitTests {
    static func files(_ key: GPGSigningKey, fingerprint: String) -> [SpecFile] {
        let platform = """
            name: P
            type: rpm
            distr_type: rhel
            distr_version: '9'
            test_dist_name: almalinux
            arch_list: [x86_64]
            repos:
              - {name: p-baseos, arch: x86_64, url: 'https://example.org/p/', type: rpm, production: true}

            """
        let yaml = """
            name: k
            keyid: \(fingerprint.suffix(16))
            fingerprint: \(fingerprint)
            public_key_file: k.asc
            platforms: [P]

            """
        return [
            SpecFile(path: "platforms/p.yml", contents: Array(platform.utf8)),
            SpecFile(path: "sign-keys/k.yml", contents: Array(yaml.utf8)),
            SpecFile(path: "sign-keys/k.asc", contents: Array(key.publicKey.utf8))
        ]
    }

    @Test func aGPGKeyDeclaredWithItsIdsValidatesAndWithAnotherKeysIsRefused() async throws {
        let key = try await SignFixtures.key()
        let other = try await SignFixtures.key("Other <other@kiln.invalid>")
        defer {
            key.discard()
            other.discard()
        }
        let parsed = try OpenPGPPublicKey(armored: key.publicKey)
        #expect(parsed.primary.fingerprint == key.fingerprint.uppercased())
        #expect(parsed.key(withID: key.keyID) != nil)

        let good = SpecLoader.load(Self.files(key, fingerprint: key.fingerprint))
        #expect(good.diagnostics.map(\.description) == [])
        #expect(good.state.signKeys.first?.publicKey == key.publicKey)

        let bad = SpecLoader.load(Self.files(key, fingerprint: other.fingerprint))
        #expect(bad.diagnostics.count == 1)
        #expect(
            bad.diagnostics.first?.description.hasPrefix(
                "sign-keys/k.yml:3:14: 'fingerprint' \(other.fingerprint) does not match the public key") == true,
            "\(bad.diagnostics)")
    }
}
