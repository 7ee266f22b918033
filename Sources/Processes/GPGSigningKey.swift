import Foundation

/// A throwaway OpenPGP signing key in a `GNUPGHOME` of its own (no passphrase), and `rpmsign`
/// with it: what the test suite's sign node and `kiln bench sign` sign with. Not for real keys.
///
///     let key = try await GPGSigningKey.generate(in: folder)
///     try await key.sign(files)          // rpmsign --addsign, many files per call
///     key.discard()                      // stops its gpg-agent, removes the folder
package struct GPGSigningKey: Sendable, Hashable {
    /// The `GNUPGHOME` holding the key (mode 0700).
    package var home: URL
    /// The ASCII-armored public key.
    package var publicKey: String
    /// The 16-hex key id, uppercase (as ALBS stores it).
    package var keyID: String
    /// The 40-hex fingerprint, uppercase.
    package var fingerprint: String

    /// Files per `rpmsign` call (rpmsign runs gpg once per file; the call's own start is what
    /// batching saves).
    package static let filesPerCall = 400

    /// Makes an RSA 2048 signing key named `name` in a new folder under `parent`.
    package static func generate(
        in parent: URL, name: String = "Kiln Throwaway Key <throwaway@kiln.invalid>"
    ) async throws -> GPGSigningKey {
        let home = parent.appendingPathComponent("gnupg-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try FileManager.default.createDirectory(
            at: home, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let env = environment(home)
        let made = try await ProcessRunner.run(
            "/usr/bin/env", ["gpg", "--batch", "--passphrase", "", "--quick-gen-key", name, "rsa2048", "sign", "never"],
            environment: env)
        guard made.succeeded else {
            throw ProcessError(
                command: "gpg --quick-gen-key",
                message: "exit status \(made.status) (install Debian's 'gnupg'): \(made.output.suffix(800))")
        }
        let listed = try await ProcessRunner.run(
            "/usr/bin/env", ["gpg", "--batch", "--with-colons", "--fingerprint", "--list-keys"], environment: env,
            combineErrors: false)
        let fields = listed.output.split(separator: "\n").map {
            $0.split(separator: ":", omittingEmptySubsequences: false)
        }
        guard let pub = fields.first(where: { $0.first == "pub" && $0.count > 4 }),
            let fpr = fields.first(where: { $0.first == "fpr" && $0.count > 9 })
        else {
            throw ProcessError(command: "gpg --list-keys", message: "no key listed: \(listed.output.prefix(500))")
        }
        let exported = try await ProcessRunner.run(
            "/usr/bin/env", ["gpg", "--batch", "--armor", "--export", String(pub[4])], environment: env,
            combineErrors: false)
        guard exported.succeeded, exported.output.contains("BEGIN PGP PUBLIC KEY BLOCK") else {
            throw ProcessError(command: "gpg --export", message: "no public key exported: \(exported.errors)")
        }
        return GPGSigningKey(
            home: home, publicKey: exported.output, keyID: pub[4].uppercased(), fingerprint: fpr[9].uppercased())
    }

    /// Signs the RPM files in place with `rpmsign --addsign` (Debian: `__gpg` is `/usr/bin/gpg`),
    /// `filesPerCall` files per call, two calls at a time.
    package func sign(_ files: [URL]) async throws {
        let chunks = stride(from: 0, to: files.count, by: Self.filesPerCall).map {
            Array(files[$0..<min($0 + Self.filesPerCall, files.count)])
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            var next = 0
            func start() {
                guard next < chunks.count else { return }
                let chunk = chunks[next]
                next += 1
                group.addTask { try await signChunk(chunk) }
            }
            start()
            start()
            while try await group.next() != nil { start() }
        }
    }

    private func signChunk(_ files: [URL]) async throws {
        let arguments =
            [
                "rpmsign", "--addsign", "--define", "__gpg /usr/bin/gpg", "--define", "_gpg_name \(keyID)",
                "--define", "_gpg_path \(home.path)", "--"
            ] + files.map(\.path)
        let result = try await ProcessRunner.run("/usr/bin/env", arguments, environment: Self.environment(home))
        guard result.succeeded else {
            throw ProcessError(
                command: "rpmsign --addsign",
                message:
                    "exit status \(result.status) (install Debian's 'rpm' and 'gnupg'): \(result.output.suffix(800))")
        }
    }

    /// Stops the key's gpg-agent and removes its folder.
    package func discard() {
        _ = try? ProcessRunner.runSync(
            "/usr/bin/env", ["gpgconf", "--kill", "gpg-agent"], environment: Self.environment(home))
        try? FileManager.default.removeItem(at: home)
    }

    static func environment(_ home: URL) -> [String: String] {
        var env = ProcessInfo.processInfo.environment
        env["GNUPGHOME"] = home.path
        env["LC_ALL"] = "C"
        return env
    }
}
