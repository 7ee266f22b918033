import Foundation
import Spec
import Statuses

/// The sign key of a sign task, as ALBS's `SignTask.sign_key` shows it.
package struct SignTaskKeyRow: Sendable, Equatable {
    package var id: Int64
    package var name: String
    package var description: String
    package var keyid: String
    package var fingerprint: String
    package var publicURL: String
    package var inserted: Date
    package var active: Bool
    package var archived: Date?
    /// The platforms the key may sign builds of, ascending.
    package var platformIDs: [Int64]
}

/// One package verification refused, kept in `sign_tasks.failures`.
package struct SignFailure: Sendable, Equatable, Codable {
    /// The artifact id (the sign task's package id).
    package var id: Int64
    /// The package's file name.
    package var name: String
    package var reason: String

    package init(id: Int64, name: String, reason: String) {
        self.id = id
        self.name = name
        self.reason = reason
    }
}

/// A sign task as read for the API.
package struct SignTaskRow: Sendable, Equatable {
    package var id: Int64
    package var buildID: Int64
    package var signKey: SignTaskKeyRow
    package var status: SignTaskStatus
    package var errorMessage: String?
    package var logHref: String?
    /// The sign node holding (or that last held) the task.
    package var node: String?
    package var attempts: Int
    package var createdAt: Date
    package var startedAt: Date?
    package var finishedAt: Date?
    /// The node's `stats` of its last complete (a JSON object), nil before.
    package var stats: JSONValue?
    /// Why verification refused packages (empty unless it did).
    package var failures: [SignFailure]
    /// The number of packages the task signs.
    package var packageCount: Int
    /// Whether a node's result waits for verification.
    package var verifying: Bool
}

/// One package of a claimed sign task, with the build repository it is served from.
package struct SignTaskPackageRow: Sendable, Equatable {
    /// The artifact id.
    package var id: Int64
    /// The file name.
    package var name: String
    /// The build task's arch, `src` for source RPMs (ALBS's `arch`).
    package var arch: String
    package var casHash: String?
    /// The build repository holding the unsigned package (nil if none was recorded).
    package var repositoryName: String?
    package var repositoryURL: String?
    package var repositoryHref: String?
}

/// What `SignTaskStore.claim` hands a sign node.
package struct ClaimedSignTask: Sendable, Equatable {
    package var id: Int64
    package var buildID: Int64
    package var keyid: String
    package var signFiles: Bool
    package var packages: [SignTaskPackageRow]
}

/// One package as the verification of a task needs it: what was sent to be signed.
package struct SignExpectedPackage: Sendable, Equatable {
    /// The artifact id.
    package var id: Int64
    package var name: String
    /// The content href of the unsigned package in the artifact store.
    package var href: String
    package var sha256: String?
    package var rpmName: String?
    package var rpmEpoch: String?
    package var rpmVersion: String?
    package var rpmRelease: String?
    /// The RPM header arch (`x86_64`, `noarch`, `src`).
    package var rpmArch: String?
}

/// A node's recorded result waiting for verification, as one worker claimed it.
package struct SignVerificationJob: Sendable, Equatable {
    package var taskID: Int64
    package var buildID: Int64
    package var node: String
    /// The node's packages as sent (JSON array text, validated before it was recorded).
    package var packagesJSON: String
    /// The task's key: its id, 16-hex key id and armored public key.
    package var signKeyID: Int64
    package var keyid: String
    package var publicKey: String
    /// The task's packages (what was handed out), by artifact id.
    package var expected: [SignExpectedPackage]
    /// Claims of this job so far, this one included.
    package var attempts: Int
    /// Fences this claim: only the newest claim of a job can complete it.
    package var claimToken: UUID
}

/// A verified signed package replacing an unsigned artifact.
package struct SignedArtifactSwap: Sendable, Equatable {
    package var artifactID: Int64
    /// The content href of the signed package.
    package var href: String
    package var sha256: String

    package init(artifactID: Int64, href: String, sha256: String) {
        self.artifactID = artifactID
        self.href = href
        self.sha256 = sha256
    }
}
