import Foundation

/// What a signed file must be.
package struct SignedPackageExpectation: Sendable, Hashable {
    /// The downloaded signed file.
    package var file: URL
    /// What the node reported (lowercase hex).
    package var sha256: String
    package var name: String
    /// "0" when none.
    package var epoch: String
    package var version: String
    package var release: String
    /// "src" for source RPMs.
    package var arch: String

    package init(
        file: URL, sha256: String, name: String, epoch: String, version: String, release: String, arch: String
    ) {
        self.file = file
        self.sha256 = sha256
        self.name = name
        self.epoch = epoch
        self.version = version
        self.release = release
        self.arch = arch
    }

    /// `name-[epoch:]version-release.arch`.
    package var nevra: String {
        RPMHeader.nevra(name: name, epoch: epoch, version: version, release: release, arch: arch)
    }
}

/// The verdict on one file: nil problem = verified.
package struct SignedPackageVerdict: Sendable, Hashable {
    package var file: URL
    /// A sentence a release engineer understands, naming the file; nil when the file verified.
    package var problem: String?

    package init(file: URL, problem: String?) {
        self.file = file
        self.problem = problem
    }

    package var verified: Bool { problem == nil }
}

/// Checks signed RPMs before they replace unsigned ones: the file's sha256 is the reported one,
/// its NEVRA and arch (from its header) are the expected ones, its signature header holds an
/// OpenPGP signature issued by the sign key, and `rpmkeys --checksig` verifies that signature
/// and every digest against a keyring holding only that key.
///
/// The header and sha256 checks run on dispatch threads, many files at once; `rpmkeys` gets
/// many files per process (``filesPerCheck``), ``parallelism`` processes at a time, through
/// `ProcessRunner` (off the cooperative pool). Each `verify` call imports the key into a
/// keyring of its own under `scratch` and removes it afterwards, so calls may overlap.
package struct SignedPackageVerifier: Sendable {
    /// The armored public key.
    package let publicKey: String
    /// The sign key's 16-hex id, uppercase.
    package let keyID: String
    let scratch: URL
    let keyFile: URL
    /// Files per `rpmkeys --checksig` process.
    package var filesPerCheck = 250
    /// How many `rpmkeys` processes (and hashing threads) run at once.
    package var parallelism = max(1, ProcessInfo.processInfo.activeProcessorCount)
    /// The `rpmkeys` executable.
    package var rpmkeys = "/usr/bin/rpmkeys"

    /// `publicKey`: the ASCII-armored OpenPGP public key; `keyID`: its 16-hex key id (for messages);
    /// `scratch`: a folder the verifier may use (its rpm keyring lives there).
    package init(publicKey: String, keyID: String, scratch: URL) throws {
        let id = keyID.uppercased()
        guard id.count == 16, id.allSatisfy(\.isHexDigit) else {
            throw SignedPackageVerifierError.invalidKeyID(keyID)
        }
        guard publicKey.contains("-----BEGIN PGP PUBLIC KEY BLOCK-----"),
            publicKey.contains("-----END PGP PUBLIC KEY BLOCK-----")
        else {
            throw SignedPackageVerifierError.invalidPublicKey(
                keyID: id, detail: "not an ASCII-armored public key block")
        }
        self.publicKey = publicKey
        self.keyID = id
        self.scratch = scratch
        do {
            try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
            self.keyFile = scratch.appendingPathComponent("sign-key-\(id).asc")
            try Data(publicKey.utf8).write(to: keyFile, options: .atomic)
        } catch {
            throw SignedPackageVerifierError.scratchUnusable(scratch.path, "\(error)")
        }
    }

    /// Verdicts in the order of `packages`. Throws only when verification itself cannot run
    /// (rpmkeys missing, the key does not import); a bad package is a verdict, not a throw.
    package func verify(_ packages: [SignedPackageExpectation]) async throws -> [SignedPackageVerdict] {
        guard !packages.isEmpty else { return [] }
        let keyring = try await RPMKeyring.make(
            importing: keyFile, keyID: keyID, in: scratch, rpmkeys: rpmkeys)
        defer { keyring.remove() }
        let size = max(1, min(filesPerCheck, (packages.count + parallelism - 1) / parallelism))
        let chunks = stride(from: 0, to: packages.count, by: size).map {
            Array(packages[$0..<min($0 + size, packages.count)])
        }
        let verdicts = try await boundedMap(chunks, maxConcurrent: parallelism) { chunk in
            try await verifyChunk(chunk, keyring: keyring)
        }
        return verdicts.flatMap { $0 }
    }

    /// The local checks for every file of `chunk` (one dispatch thread), then one `rpmkeys`
    /// process over the files that passed them.
    func verifyChunk(_ chunk: [SignedPackageExpectation], keyring: RPMKeyring) async throws -> [SignedPackageVerdict] {
        let keyID = keyID
        let local = await Blocking.run { chunk.map { SignedPackageInspection.problem(of: $0, keyID: keyID) } }
        let toCheck = chunk.indices.filter { local[$0] == nil }.map { chunk[$0].file }
        let checked = try await keyring.check(toCheck)
        var next = 0
        return chunk.indices.map { i in
            if let problem = local[i] { return SignedPackageVerdict(file: chunk[i].file, problem: problem) }
            defer { next += 1 }
            return SignedPackageVerdict(file: chunk[i].file, problem: checked[next])
        }
    }
}

/// Verification cannot run at all (as opposed to a package that fails it).
package enum SignedPackageVerifierError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidKeyID(String)
    case invalidPublicKey(keyID: String, detail: String)
    case scratchUnusable(String, String)
    case rpmkeysUnavailable(String)
    case rpmkeysFailed(String)

    package var description: String {
        switch self {
        case .invalidKeyID(let id): return "sign key id '\(id)' is not 16 hex digits"
        case .invalidPublicKey(let id, let detail):
            return "the public key of sign key \(id) cannot be used to verify: \(detail)"
        case .scratchUnusable(let path, let error): return "the verification folder \(path) cannot be used: \(error)"
        case .rpmkeysUnavailable(let detail):
            return "rpmkeys cannot run (install Debian's 'rpm' package): \(detail)"
        case .rpmkeysFailed(let detail): return "rpmkeys --checksig did not run to the end: \(detail)"
        }
    }
}

/// Runs blocking work on a dispatch thread, never on the cooperative pool.
enum Blocking {
    static func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: body()) }
        }
    }
}
