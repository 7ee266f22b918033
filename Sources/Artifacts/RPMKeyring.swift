import Foundation
import Processes

/// An rpm keyring holding one public key (`rpmkeys --dbpath DIR --import`), and
/// `rpmkeys --checksig -v` over many files per process against it.
struct RPMKeyring: Sendable {
    let folder: URL
    let keyID: String
    let rpmkeys: String

    /// Imports `keyFile` into a new keyring folder under `parent`.
    static func make(importing keyFile: URL, keyID: String, in parent: URL, rpmkeys: String) async throws -> RPMKeyring
    {
        let folder = parent.appendingPathComponent("keyring-\(UUID().uuidString)", isDirectory: true)
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw SignedPackageVerifierError.scratchUnusable(parent.path, "\(error)")
        }
        let keyring = RPMKeyring(folder: folder, keyID: keyID, rpmkeys: rpmkeys)
        let result: ProcessResult
        do {
            result = try await ProcessRunner.run(
                rpmkeys, ["--dbpath", folder.path, "--import", keyFile.path], environment: keyring.environment)
        } catch {
            keyring.remove()
            throw SignedPackageVerifierError.rpmkeysUnavailable("\(error)")
        }
        guard result.succeeded else {
            keyring.remove()
            throw SignedPackageVerifierError.invalidPublicKey(
                keyID: keyID, detail: "rpmkeys --import failed: \(result.output.suffix(500))")
        }
        return keyring
    }

    var environment: [String: String] {
        var env = ProcessInfo.processInfo.environment
        env["LC_ALL"] = "C"  // rpm translates OK/BAD/NOKEY
        env["HOME"] = folder.path  // no ~/.rpmmacros of the caller
        return env
    }

    func remove() {
        try? FileManager.default.removeItem(at: folder)
    }

    /// One `rpmkeys --checksig -v` over `files`: per file, nil when its signature verifies with
    /// the key and every digest is OK, else the problem. The files are passed as numbered
    /// symbolic links, so no file name can confuse the parsing of the output.
    func check(_ files: [URL]) async throws -> [String?] {
        guard !files.isEmpty else { return [] }
        let batch = folder.appendingPathComponent("batch-\(UUID().uuidString)", isDirectory: true)
        defer { try? FileManager.default.removeItem(at: batch) }
        var links: [String] = []
        do {
            try FileManager.default.createDirectory(at: batch, withIntermediateDirectories: true)
            for (i, file) in files.enumerated() {
                let link = batch.appendingPathComponent("\(i).rpm")
                try FileManager.default.createSymbolicLink(at: link, withDestinationURL: file.absoluteURL)
                links.append(link.path)
            }
        } catch {
            throw SignedPackageVerifierError.scratchUnusable(folder.path, "\(error)")
        }
        let result: ProcessResult
        do {
            result = try await ProcessRunner.run(
                rpmkeys, ["--dbpath", folder.path, "--checksig", "-v", "--"] + links, environment: environment,
                combineErrors: false)
        } catch {
            throw SignedPackageVerifierError.rpmkeysUnavailable("\(error)")
        }
        guard result.status < 128 else {
            throw SignedPackageVerifierError.rpmkeysFailed(
                "exit status \(result.status): \(result.errors.suffix(500))")
        }
        let report = RPMKeysReport(output: result.output, errors: result.errors, paths: links)
        guard report.blocks.values.count > 0 || !report.errorLines.isEmpty else {
            throw SignedPackageVerifierError.rpmkeysFailed(
                "no result for any of \(files.count) files (exit status \(result.status)): "
                    + "\((result.errors + result.output).suffix(500))")
        }
        return files.enumerated().map { i, file in
            report.problem(path: links[i], name: file.lastPathComponent, keyID: keyID)
        }
    }
}

/// The output of `rpmkeys --checksig -v FILE…`: a `FILE:` line per file, then one indented
/// line per signature or digest (`… Signature, key ID 1a2b3c4d: OK`, `… digest: BAD (…)`);
/// files it cannot read get `error: FILE: …` on standard error instead.
struct RPMKeysReport {
    var blocks: [String: [String]] = [:]
    var errorLines: [String: String] = [:]

    init(output: String, errors: String, paths: [String]) {
        let known = Set(paths)
        var current: String?
        for raw in output.split(separator: "\n", omittingEmptySubsequences: true) {
            let line = String(raw)
            if let first = line.first, !first.isWhitespace, line.hasSuffix(":"), known.contains(String(line.dropLast()))
            {
                current = String(line.dropLast())
                blocks[current ?? "", default: []] += []
            } else if let current, line.first?.isWhitespace == true {
                blocks[current, default: []].append(line.trimmingCharacters(in: .whitespaces))
            }
        }
        for raw in errors.split(separator: "\n") where raw.hasPrefix("error: ") {
            let rest = raw.dropFirst("error: ".count)
            guard let colon = rest.range(of: ": ") else { continue }
            let path = String(rest[..<colon.lowerBound])
            if known.contains(path), errorLines[path] == nil { errorLines[path] = String(rest[colon.upperBound...]) }
        }
    }

    func problem(path: String, name: String, keyID: String) -> String? {
        let short = keyID.suffix(8).lowercased()
        guard let lines = blocks[path], !lines.isEmpty else {
            let detail = errorLines[path] ?? "no result"
            return "\(name) cannot be checked by rpmkeys: \(detail)"
        }
        let failing = lines.filter { !$0.hasSuffix(": OK") }.map(Self.shortened)
        let signatures = lines.filter { $0.contains("Signature, key ID") }
        if !failing.isEmpty {
            if signatures.contains(where: { $0.hasSuffix(": NOKEY") }) {
                return "\(name): its signature (\(signatures.joined(separator: "; "))) was not made by the public key "
                    + "of sign key \(keyID)"
            }
            return "\(name): its signature does not verify with sign key \(keyID) (the file was changed after "
                + "signing): \(failing.joined(separator: "; "))"
        }
        guard signatures.contains(where: { $0.hasSuffix("key ID \(short): OK") }) else {
            return "\(name) is not signed: rpmkeys found no signature by sign key \(keyID), only digests"
        }
        return nil
    }

    /// A BAD line without its expected/actual hashes.
    static func shortened(_ line: String) -> String {
        guard let cut = line.range(of: " (Expected") else { return line }
        return String(line[..<cut.lowerBound])
    }
}
