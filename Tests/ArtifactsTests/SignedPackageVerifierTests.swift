import Foundation
import KilnTestSupport
import Testing

@testable import Artifacts

/// The verification of signed RPMs, with real gpg keys, rpmsign and rpmkeys (Debian's `rpm`, `gnupg`).
@Suite struct SignedPackageVerifierTests {
    /// A folder with `count` fresh packages, a sign key and another key; removed by `close`.
    struct Fixture {
        let folder: URL
        let key: TestSigningKey
        let other: TestSigningKey
        let files: [URL]
        let prefix: String

        static func make(count: Int, prefix: String = "kv") async throws -> Fixture {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
                "kiln-verify-\(UUID().uuidString)", isDirectory: true)
            let files = try RPMBuild.packages(count: count, prefix: prefix, in: folder)
            async let key = TestSigningKey.make()
            async let other = TestSigningKey.make(name: "Someone Else <else@kiln.invalid>")
            return Fixture(folder: folder, key: try await key, other: try await other, files: files, prefix: prefix)
        }

        func verifier() throws -> SignedPackageVerifier {
            try SignedPackageVerifier(
                publicKey: key.publicKey, keyID: key.keyID, scratch: folder.appendingPathComponent("scratch"))
        }

        /// What package `i` (1-based) of the batch is, for `file`.
        func expectation(_ i: Int, file: URL? = nil, sha256: String? = nil) throws -> SignedPackageExpectation {
            let f = file ?? files[i - 1]
            return SignedPackageExpectation(
                file: f, sha256: try sha256 ?? SHA256Hex.digest(file: f).sha256, name: "\(prefix)-\(i)", epoch: "0",
                version: "1", release: "1", arch: "noarch")
        }

        /// A copy of package `i` under `name`.
        func copy(_ i: Int, as name: String) throws -> URL {
            let url = folder.appendingPathComponent(name)
            try FileManager.default.copyItem(at: files[i - 1], to: url)
            return url
        }

        func close() {
            key.discard()
            other.discard()
            try? FileManager.default.removeItem(at: folder)
        }
    }

    @Test func signedWithTheKeyVerifies() async throws {
        let f = try await Fixture.make(count: 3)
        defer { f.close() }
        try await f.key.sign(f.files)
        let header = try RPMHeader(file: f.files[0])
        #expect(header.signatureKeyIDs == [f.key.keyID])
        #expect(f.key.keyID.count == 16 && f.key.fingerprint.hasSuffix(f.key.keyID))
        let verdicts = try await f.verifier().verify((1...3).map { try f.expectation($0) })
        #expect(verdicts.map(\.file) == f.files)
        #expect(verdicts.allSatisfy { $0.verified }, "\(verdicts.compactMap(\.problem))")
    }

    @Test func signedWithAnotherKeyIsRefusedNamingThatKey() async throws {
        let f = try await Fixture.make(count: 1)
        defer { f.close() }
        try await f.other.sign(f.files)
        let verdict = try #require(try await f.verifier().verify([f.expectation(1)]).first)
        let problem = try #require(verdict.problem)
        #expect(problem.contains(f.other.keyID), "\(problem)")
        #expect(problem.contains("not with the sign key \(f.key.keyID)"), "\(problem)")
        #expect(problem.contains(f.files[0].lastPathComponent))
    }

    @Test func unsignedIsRefused() async throws {
        let f = try await Fixture.make(count: 1)
        defer { f.close() }
        let verdict = try #require(try await f.verifier().verify([f.expectation(1)]).first)
        #expect(verdict.problem?.contains("is not signed") == true, "\(verdict.problem ?? "verified")")
    }

    @Test func contentSwappedForAnotherNEVRAIsRefused() async throws {
        let f = try await Fixture.make(count: 2)
        defer { f.close() }
        try await f.key.sign(f.files)
        // The file reported for package 1 holds package 2 (signed with the right key).
        let swapped = try f.copy(2, as: "kv-1-1-1.noarch.rpm")
        let verdict = try #require(try await f.verifier().verify([f.expectation(1, file: swapped)]).first)
        let problem = try #require(verdict.problem)
        #expect(problem.contains("is kv-2-1-1.noarch"), "\(problem)")
        #expect(problem.contains("sent for signing is kv-1-1-1.noarch"), "\(problem)")
    }

    @Test func epochAndArchAreCompared() async throws {
        let f = try await Fixture.make(count: 1)
        defer { f.close() }
        try await f.key.sign(f.files)
        var withEpoch = try f.expectation(1)
        withEpoch.epoch = "2"
        var source = try f.expectation(1)
        source.arch = "src"
        let verdicts = try await f.verifier().verify([withEpoch, source, f.expectation(1)])
        #expect(verdicts[0].problem?.contains("sent for signing is kv-1-2:1-1.noarch") == true)
        #expect(verdicts[1].problem?.contains("sent for signing is kv-1-1-1.src") == true)
        #expect(verdicts[2].verified)
    }

    @Test func wrongSHA256IsRefusedWithBothValues() async throws {
        let f = try await Fixture.make(count: 1)
        defer { f.close() }
        try await f.key.sign(f.files)
        let actual = try SHA256Hex.digest(file: f.files[0]).sha256
        let reported = String(repeating: "ab", count: 32)
        let verdict = try #require(try await f.verifier().verify([f.expectation(1, sha256: reported)]).first)
        let problem = try #require(verdict.problem)
        #expect(problem.contains(actual) && problem.contains(reported), "\(problem)")
        // The reported value in upper case is the same value.
        let upper = try await f.verifier().verify([f.expectation(1, sha256: actual.uppercased())])
        #expect(upper.first?.verified == true)
    }

    @Test func aFlippedPayloadByteIsRefused() async throws {
        let f = try await Fixture.make(count: 1)
        defer { f.close() }
        try await f.key.sign(f.files)
        let tampered = try f.copy(1, as: "tampered.rpm")
        var bytes = try Data(contentsOf: tampered)
        bytes[bytes.count - 20] ^= 0xFF  // inside the compressed payload
        try bytes.write(to: tampered)
        // The node reported the sha256 of what it uploaded: the tampered bytes.
        let verdict = try #require(try await f.verifier().verify([f.expectation(1, file: tampered)]).first)
        let problem = try #require(verdict.problem)
        #expect(problem.contains("tampered.rpm: its signature does not verify"), "\(problem)")
        #expect(problem.contains("BAD"), "\(problem)")
    }

    @Test func aChangedHeaderByteBreaksTheSignature() async throws {
        let f = try await Fixture.make(count: 1)
        defer { f.close() }
        try await f.key.sign(f.files)
        let tampered = try f.copy(1, as: "header.rpm")
        var bytes = try Data(contentsOf: tampered)
        // The summary text lives in the main header, which the RSA header signature covers.
        let summary = Data("Package 1 of the kv batch".utf8)
        let at = try #require(bytes.range(of: summary))
        bytes[at.lowerBound] = UInt8(ascii: "Q")
        try bytes.write(to: tampered)
        let verdict = try #require(try await f.verifier().verify([f.expectation(1, file: tampered)]).first)
        let problem = try #require(verdict.problem)
        #expect(problem.contains("Signature, key ID \(f.key.keyID.suffix(8).lowercased()): BAD"), "\(problem)")
    }

    @Test func unreadableAndNonRPMFilesAreVerdicts() async throws {
        let f = try await Fixture.make(count: 1)
        defer { f.close() }
        let text = f.folder.appendingPathComponent("notes.rpm")
        try Data("not a package".utf8).write(to: text)
        let missing = f.folder.appendingPathComponent("missing.rpm")
        let verdicts = try await f.verifier().verify([
            f.expectation(1, file: text), f.expectation(1, file: missing, sha256: String(repeating: "0", count: 64))
        ])
        #expect(verdicts[0].problem?.hasPrefix("notes.rpm is not an RPM package") == true, "\(verdicts[0])")
        #expect(verdicts[1].problem?.hasPrefix("missing.rpm cannot be read") == true, "\(verdicts[1])")
    }

    @Test func aMixedBatchGetsOneVerdictPerFileInOrder() async throws {
        let count = 300
        let f = try await Fixture.make(count: count)
        defer { f.close() }
        // Every 7th package signed with the other key, every 11th left unsigned, the rest with the key.
        let other = (1...count).filter { $0 % 7 == 0 }
        let unsigned = Set((1...count).filter { $0 % 11 == 0 && $0 % 7 != 0 })
        let good = (1...count).filter { $0 % 7 != 0 && !unsigned.contains($0) }
        try await f.key.sign(good.map { f.files[$0 - 1] })
        try await f.other.sign(other.map { f.files[$0 - 1] })
        var verifier = try f.verifier()
        verifier.filesPerCheck = 40  // several rpmkeys processes, two at a time
        let expectations = try (1...count).map { i in
            // Every 13th is reported with a wrong sha256.
            try f.expectation(i, sha256: i % 13 == 0 ? String(repeating: "f", count: 64) : nil)
        }
        let verdicts = try await verifier.verify(expectations)
        #expect(verdicts.map(\.file) == f.files)
        for i in 1...count {
            let problem = verdicts[i - 1].problem
            if i % 13 == 0 {
                #expect(problem?.contains("but the sign node reported") == true, "\(i): \(problem ?? "verified")")
            } else if i % 7 == 0 {
                #expect(problem?.contains(f.other.keyID) == true, "\(i): \(problem ?? "verified")")
            } else if unsigned.contains(i) {
                #expect(problem?.contains("is not signed") == true, "\(i): \(problem ?? "verified")")
            } else {
                #expect(problem == nil, "\(i): \(problem ?? "")")
            }
        }
    }

    @Test func verificationThatCannotRunThrows() async throws {
        let f = try await Fixture.make(count: 1)
        defer { f.close() }
        let scratch = f.folder.appendingPathComponent("scratch")
        #expect(throws: SignedPackageVerifierError.self) {
            try SignedPackageVerifier(publicKey: f.key.publicKey, keyID: "not-a-key-id", scratch: scratch)
        }
        #expect(throws: SignedPackageVerifierError.self) {
            try SignedPackageVerifier(publicKey: "hello", keyID: f.key.keyID, scratch: scratch)
        }
        let garbled = f.key.publicKey.replacingOccurrences(of: "\n\n", with: "\n\nAAAA")
        let broken = try SignedPackageVerifier(publicKey: garbled, keyID: f.key.keyID, scratch: scratch)
        await #expect(throws: SignedPackageVerifierError.self) { try await broken.verify([f.expectation(1)]) }
        var missingTool = try f.verifier()
        missingTool.rpmkeys = "/nonexistent/rpmkeys"
        let error = await #expect(throws: SignedPackageVerifierError.self) {
            try await missingTool.verify([f.expectation(1)])
        }
        #expect("\(error.map { "\($0)" } ?? "")".contains("rpmkeys cannot run"))
        // Nothing to verify needs no rpmkeys at all.
        #expect(try await missingTool.verify([]).isEmpty)
    }
}
