import CGit2

extension GitRepository {
    /// The author of the commit `ref` names, as `Name <email>` (what a release commit records).
    package func author(of ref: String) async throws -> String {
        try await LibGit2.offPool { [self] in
            try LibGit2.withRepository(at: path) { repo in
                try Self.resolveCommit(repo, ref) { commit in
                    guard let signature = git_commit_author(commit) else { return "" }
                    let name = signature.pointee.name.map { String(cString: $0) } ?? ""
                    let email = signature.pointee.email.map { String(cString: $0) } ?? ""
                    return email.isEmpty ? name : "\(name) <\(email)>"
                }
            }
        }
    }
}
