import Foundation
import Processes

/// A throwaway gpg signing key for tests, in a temporary `GNUPGHOME` (no passphrase), and
/// `rpmsign --addsign` with it. The key and rpmsign steps are `Processes.GPGSigningKey`'s,
/// which `kiln bench sign` uses too.
package struct TestSigningKey: Sendable {
    package let key: GPGSigningKey
    /// The ASCII-armored public key.
    package var publicKey: String { key.publicKey }
    /// 16 hex, uppercase (as ALBS stores it).
    package var keyID: String { key.keyID }
    /// 40 hex, uppercase.
    package var fingerprint: String { key.fingerprint }

    /// A new key in a new folder under the temporary directory.
    package static func make(name: String = "Kiln Test Key <test@kiln.invalid>") async throws -> TestSigningKey {
        let parent = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-gpg", isDirectory: true)
        return TestSigningKey(key: try await GPGSigningKey.generate(in: parent, name: name))
    }

    /// Signs the RPM files in place, many files per rpmsign call.
    package func sign(_ files: [URL]) async throws {
        try await key.sign(files)
    }

    /// Stops the key's gpg-agent and removes its folder.
    package func discard() {
        key.discard()
    }
}
