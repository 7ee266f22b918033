import Foundation
import Spec

/// Loads in-memory files (path -> YAML text).
func load(_ files: [String: String]) -> SpecResult {
    SpecLoader.load(files.map { SpecFile(path: $0.key, contents: Array($0.value.utf8)) })
}

/// The diagnostics as `file:line:column: message` strings.
func lines(_ result: SpecResult) -> [String] { result.diagnostics.map(\.description) }

/// The repository's `examples/` folder, found from this file's path.
let examplesURL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("examples")

/// Every regular file under `root`, with paths relative to it.
func readTree(_ root: URL) throws -> [SpecFile] {
    let fm = FileManager.default
    guard let walker = fm.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]) else { return [] }
    var files: [SpecFile] = []
    let prefix = root.standardizedFileURL.path + "/"
    for case let url as URL in walker {
        guard try url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile == true else { continue }
        let path = String(url.standardizedFileURL.path.dropFirst(prefix.count))
        files.append(SpecFile(path: path, contents: Array(try Data(contentsOf: url))))
    }
    return files
}

/// A valid minimal platform named `name` (x86_64 + aarch64, BaseOS binary/debug/src).
func platformYAML(_ name: String, repoPrefix: String? = nil) -> String {
    let r = repoPrefix ?? name.lowercased()
    return """
        name: \(name)
        type: rpm
        distr_type: rhel
        distr_version: '9'
        test_dist_name: almalinux
        arch_list: [x86_64, aarch64]
        repos:
          - {name: \(r)-baseos, arch: x86_64, url: 'https://example.org/\(r)/x86_64/', type: rpm, production: true}
          - {name: \(r)-baseos, arch: aarch64, url: 'https://example.org/\(r)/aarch64/', type: rpm, production: true}
          - {name: \(r)-baseos, arch: x86_64, url: 'https://example.org/\(r)/debug/', type: rpm, debug: true}
          - {name: \(r)-baseos, arch: src, url: 'https://example.org/\(r)/src/', type: rpm, production: true}
          - {name: \(r)-devel, arch: x86_64, url: 'https://example.org/\(r)/devel/', type: rpm}

        """
}

/// The AlmaLinux 9 public key of `examples/sign-keys/almalinux-9.asc` (fingerprint
/// BF18AC2876178908D6E71267D36CB86CB86B3716), for sign-key files in tests.
let almaLinux9PublicKey: String = {
    let url = examplesURL.appendingPathComponent("sign-keys/almalinux-9.asc")
    return (try? String(contentsOf: url, encoding: .utf8)) ?? ""
}()
