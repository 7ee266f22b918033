-- Issue 9, `GET /api/v1/builds/` filters (ALBS `get_builds`): every filter is answered from an
-- index, not a scan of builds, tasks, refs or artifacts.

-- `project` and `ref` match ALBS's `LIKE '%/project%'` / `LIKE '%ref%'` (case-sensitive
-- substrings of the ref URL and git ref): trigram GIN indexes serve LIKE with a leading `%`.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX build_task_refs_url_trgm ON build_task_refs USING gin (url gin_trgm_ops);
CREATE INDEX build_task_refs_git_ref_trgm ON build_task_refs USING gin (git_ref gin_trgm_ops);

-- From a matching ref, task, platform or arch to its build.
CREATE INDEX build_tasks_ref ON build_tasks (ref_id);
CREATE INDEX build_tasks_platform_build ON build_tasks (platform_id, build_id);
CREATE INDEX build_tasks_arch_build ON build_tasks (arch, build_id);

-- The RPM's name, epoch, version and release as the artifact store read them from its header
-- (`rpm_arch` is the existing `arch`). ALBS asks Pulp for packages with these exact fields; Kiln
-- keeps them with the artifact. Rows imported before this migration get name, version and
-- release from the file name (`name-version-release.arch.rpm`) and no epoch.
ALTER TABLE artifacts
    ADD COLUMN rpm_name TEXT,
    ADD COLUMN rpm_epoch TEXT,
    ADD COLUMN rpm_version TEXT,
    ADD COLUMN rpm_release TEXT;
UPDATE artifacts SET
    rpm_name = substring(name FROM '^(.+)-[^-]+-[^-]+\.[^.]+\.rpm$'),
    rpm_version = substring(name FROM '^.+-([^-]+)-[^-]+\.[^.]+\.rpm$'),
    rpm_release = substring(name FROM '^.+-[^-]+-([^-]+)\.[^.]+\.rpm$')
WHERE type = 'rpm';
CREATE INDEX artifacts_rpm_name ON artifacts (rpm_name) WHERE type = 'rpm';
CREATE INDEX artifacts_rpm_epoch ON artifacts (rpm_epoch) WHERE type = 'rpm';
CREATE INDEX artifacts_rpm_version ON artifacts (rpm_version) WHERE type = 'rpm';
CREATE INDEX artifacts_rpm_release ON artifacts (rpm_release) WHERE type = 'rpm';
CREATE INDEX artifacts_rpm_arch ON artifacts (arch) WHERE type = 'rpm';

-- Build-level filters, each with the id so a page (newest first) is read in index order.
CREATE INDEX builds_created_by ON builds (created_by, id);
CREATE INDEX builds_released ON builds (released, id);
CREATE INDEX builds_signed ON builds (signed, id);
CREATE INDEX builds_running ON builds ((finished_at IS NULL), id);
