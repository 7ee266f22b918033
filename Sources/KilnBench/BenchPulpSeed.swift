import ArgumentParser
import Artifacts
import CommandLineOptions
import Foundation
import Processes
import Settings

/// Benchmark seeding only (`kiln bench reconcile --pulp-seed`), never used by Kiln itself:
/// creating 10,000 repositories through Pulp's REST API takes ~40 minutes on this machine, so
/// the bench creates the objects Kiln would create (RPM remote + repository with
/// `autopublish` + distribution, same names, base paths, labels and remote URLs as
/// `PulpArtifactStore.ensureRepository`) directly through Pulp's ORM with
/// `pulpcore-manager shell`, and deletes them the same way after.
///
/// Needs a local Pulp install: `PULP_SETTINGS` and `PULP_VENV` of ``KilnSettings``, as
/// `scripts/pulp-local.sh` sets them up.
enum BenchPulpSeed {
    /// The seeded objects, kept for `removeAll()`.
    static let specsPath = FileManager.default.temporaryDirectory
        .appendingPathComponent("kiln-bench-pulp-seed-\(getpid()).json").path

    /// Creates the remote, repository and distribution of every spec (objects that already
    /// exist by name are left alone).
    static func create(_ specs: [StoreRepositorySpec], settings: KilnSettings) throws {
        struct Row: Encodable {
            var name: String
            var remoteURL: String?
            var basePath: String
            var labels: [String: String]

            enum CodingKeys: String, CodingKey {
                case name
                case remoteURL = "remote_url"
                case basePath = "base_path"
                case labels
            }
        }
        let rows = specs.filter { $0.kind == .rpm }.map {
            Row(name: $0.name, remoteURL: $0.remoteURL, basePath: $0.basePath, labels: $0.labels)
        }
        try JSONEncoder().encode(rows).write(to: URL(fileURLWithPath: specsPath))
        try manage(mode: "create", settings: settings)
    }

    /// Deletes what `create` seeded (by name), then the list.
    static func removeAll(settings: KilnSettings) throws {
        guard FileManager.default.fileExists(atPath: specsPath) else { return }
        try manage(mode: "delete", settings: settings)
        try? FileManager.default.removeItem(atPath: specsPath)
    }

    static let script = """
        import json, sys, time
        from django.db import transaction
        from pulp_rpm.app.models import RpmRemote, RpmRepository, RpmDistribution
        rows = json.load(open(SPECS))
        names = [r["name"] for r in rows]
        started = time.time()
        if MODE == "create":
            have = set(RpmRepository.objects.filter(name__in=names).values_list("name", flat=True))
            todo = [r for r in rows if r["name"] not in have]
            for i in range(0, len(todo), 500):
                with transaction.atomic():
                    for r in todo[i:i + 500]:
                        remote = None
                        if r["remote_url"]:
                            remote = RpmRemote(name=r["name"], url=r["remote_url"], pulp_labels=r["labels"])
                            remote.save()
                        repo = RpmRepository(name=r["name"], pulp_labels=r["labels"], remote=remote, autopublish=True)
                        repo.save()
                        RpmDistribution(name=r["name"], base_path=r["base_path"], repository=repo,
                                        pulp_labels=r["labels"]).save()
                print("seeded %d/%d" % (min(i + 500, len(todo)), len(todo)), file=sys.stderr, flush=True)
        else:
            for i in range(0, len(names), 1000):
                part = names[i:i + 1000]
                with transaction.atomic():
                    RpmDistribution.objects.filter(name__in=part).delete()
                    RpmRepository.objects.filter(name__in=part).delete()
                    RpmRemote.objects.filter(name__in=part).delete()
        print("%s %d in %.1f s" % (MODE, len(rows), time.time() - started), file=sys.stderr, flush=True)
        """

    static func manage(mode: String, settings kiln: KilnSettings) throws {
        let (venv, settings) = (kiln.pulpVirtualenv, kiln.pulpSettingsFile)
        let scriptPath = specsPath + ".py"
        let code = "SPECS = \(quoted(specsPath))\nMODE = \(quoted(mode))\n" + script
        try Data(code.utf8).write(to: URL(fileURLWithPath: scriptPath))
        defer { try? FileManager.default.removeItem(atPath: scriptPath) }
        // the child inherits kiln's environment, with the settings file and the virtualenv first on PATH
        var environment = ProcessInfo.processInfo.environment
        environment["PULP_SETTINGS"] = settings
        environment["PATH"] = "\(venv)/bin:" + (environment["PATH"] ?? "/usr/bin:/bin")
        let result = try ProcessRunner.runSync(
            "\(venv)/bin/pulpcore-manager",
            ["shell", "--command", "exec(open(\(quoted(scriptPath))).read())"],
            environment: environment)
        guard result.succeeded else {
            throw ValidationError(
                "pulpcore-manager shell (\(mode)) exited \(result.status): \(result.output.suffix(500))")
        }
    }

    static func quoted(_ s: String) -> String {
        "'" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
    }
}
