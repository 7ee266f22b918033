import Artifacts
import Foundation
import Logging
import Statuses
import Store

/// Verifies one sign node's report and, when every package verifies, swaps the signed packages
/// into the build's repositories. The signed files are imported into a staging repository of
/// the artifact store (`<prefix>-sign-<task>`), read back from it and checked by
/// `SignedPackageVerifier` (sha256, NEVRA and arch, signature against the task key's public
/// key only); nothing of the build changes unless all of them pass. Every step is idempotent,
/// so a worker that dies half-way is finished by the next claim.
struct SignVerification: Sendable {
    let store: any ArtifactStore
    let repositories: BuildRepositoryStore
    let prefix: String
    let logger: Logger

    /// What verifying a report concluded.
    enum Outcome: Sendable, Equatable {
        /// Every package verified and is now in the build's repositories.
        case verified([SignedArtifactSwap])
        /// At least one package was refused: nothing was swapped.
        case refused(message: String, failures: [SignFailure])
    }

    /// The staging repository of sign task `taskID`.
    static func stagingName(prefix: String, taskID: Int64) -> String { "\(prefix)-sign-\(taskID)" }

    func run(_ job: SignVerificationJob, reported: [SignedRpmInfo]) async throws -> Outcome {
        var failures: [SignFailure] = []
        let expected = Dictionary(job.expected.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var matched: [(SignExpectedPackage, SignedRpmInfo)] = []
        for package in reported {
            guard let sent = expected[package.id] else {
                failures.append(
                    SignFailure(id: package.id, name: package.name, reason: "not a package of this sign task"))
                continue
            }
            guard sent.name == package.name else {
                failures.append(
                    SignFailure(
                        id: sent.id, name: sent.name,
                        reason: "reported as \(package.name), but the task sent \(sent.name)"))
                continue
            }
            matched.append((sent, package))
        }
        let reportedIDs = Set(reported.map(\.id))
        for sent in job.expected where !reportedIDs.contains(sent.id) {
            failures.append(SignFailure(id: sent.id, name: sent.name, reason: "not reported by the sign node"))
        }
        guard !job.publicKey.isEmpty else {
            return .refused(
                message: "Sign key \(job.keyid) has no public key in git: no signature can be verified",
                failures: failures)
        }

        let staging = Self.stagingName(prefix: prefix, taskID: job.taskID)
        let stagingRepository = try await store.ensureRepository(
            StoreRepositorySpec(
                name: staging, kind: .rpm, labels: ["kiln-sign-task": String(job.taskID), "kiln-kind": "sign-staging"]))
        // Import what the node uploaded; an artifact the store does not hold, or holds with another
        // sha256, is that package's failure, and the rest is imported without it.
        var pending = matched
        var imported: [(SignExpectedPackage, SignedRpmInfo, StoreContent)] = []
        while !pending.isEmpty {
            let items = pending.map { ImportItem(artifactHref: $0.1.href, sha256: $0.1.sha256, fileName: $0.0.name) }
            do {
                let contents = try await store.importPackages(items, into: staging)
                imported = zip(pending, contents).map { ($0.0.0, $0.0.1, $0.1) }
                break
            } catch let error as ArtifactStoreError {
                let href: String
                let reason: String
                switch error {
                case .checksumMismatch(let h, let reportedSHA, let actual):
                    (href, reason) = (
                        h, "sha256 mismatch: the node reported \(reportedSHA), the uploaded file has \(actual)"
                    )
                case .artifactNotFound(let h):
                    (href, reason) = (h, "the artifact store has no artifact \(h)")
                default:
                    return .refused(
                        message: "The signed packages could not be imported: \(error)",
                        failures: failures
                            + pending.map {
                                SignFailure(id: $0.0.id, name: $0.0.name, reason: String(describing: error))
                            })
                }
                let hit = pending.filter { $0.1.href == href }
                guard !hit.isEmpty else { throw error }
                failures += hit.map { SignFailure(id: $0.0.id, name: $0.0.name, reason: reason) }
                pending.removeAll { $0.1.href == href }
            }
        }

        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent(
            "kiln-sign-\(job.taskID)-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        var expectations: [(SignExpectedPackage, SignedRpmInfo, StoreContent, SignedPackageExpectation)] = []
        for (index, (sent, package, content)) in imported.enumerated() {
            let file = scratch.appendingPathComponent("\(index)-\(content.fileName)")
            do {
                try await store.downloadPackage(fileName: content.fileName, in: stagingRepository.name, to: file)
            } catch let error as ArtifactStoreError {
                failures.append(
                    SignFailure(
                        id: sent.id, name: sent.name, reason: "could not be read back from the artifact store: \(error)"
                    ))
                continue
            }
            expectations.append(
                (
                    sent, package, content,
                    SignedPackageExpectation(
                        file: file, sha256: package.sha256.lowercased(), name: sent.rpmName ?? "",
                        epoch: (sent.rpmEpoch?.isEmpty ?? true) ? "0" : sent.rpmEpoch ?? "0",
                        version: sent.rpmVersion ?? "", release: sent.rpmRelease ?? "", arch: sent.rpmArch ?? "")
                ))
        }
        let keyring = scratch.appendingPathComponent("keyring", isDirectory: true)
        try FileManager.default.createDirectory(at: keyring, withIntermediateDirectories: true)
        let verifier = try SignedPackageVerifier(publicKey: job.publicKey, keyID: job.keyid, scratch: keyring)
        let verdicts = try await verifier.verify(expectations.map(\.3))
        for (entry, verdict) in zip(expectations, verdicts) {
            if let problem = verdict.problem {
                failures.append(SignFailure(id: entry.0.id, name: entry.0.name, reason: problem))
            }
        }
        if !failures.isEmpty {
            failures.sort { $0.id < $1.id }
            try? await store.deleteRepository(named: staging)
            let first = failures.prefix(3).map { "\($0.name): \($0.reason)" }.joined(separator: "; ")
            return .refused(
                message: "\(failures.count) of \(job.expected.count) package(s) failed verification, nothing was "
                    + "swapped: \(first)\(failures.count > 3 ? "; ..." : "")",
                failures: failures)
        }

        // Every package verified: swap them into each build repository that holds the unsigned one.
        let swaps = expectations.map { SignedArtifactSwap(artifactID: $0.0.id, href: $0.2.href, sha256: $0.2.sha256) }
        let replacing = Dictionary(
            expectations.map { ($0.0.href, $0.2.href) }, uniquingKeysWith: { first, _ in first })
        for repository in try await repositories.repositories(buildID: job.buildID) where repository.kind != .log {
            let present = Set(try await store.listContent(of: repository.name).map(\.href))
            var add: [String] = []
            var remove: [String] = []
            for (old, new) in replacing where present.contains(old) {
                remove.append(old)
                if !present.contains(new) { add.append(new) }
            }
            if !add.isEmpty || !remove.isEmpty {
                try await store.modifyContent(of: repository.name, add: add.sorted(), remove: remove.sorted())
                logger.info("sign task \(job.taskID): \(remove.count) package(s) swapped in \(repository.name)")
            }
        }
        return .verified(swaps)
    }

    /// Removes the staging repository once the task is finished (best effort).
    func cleanUp(taskID: Int64) async {
        do { try await store.deleteRepository(named: Self.stagingName(prefix: prefix, taskID: taskID)) } catch {
            logger.warning("sign task \(taskID): staging repository not removed: \(error)")
        }
    }
}
